#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# For prove (tests/check): every fuzz target once over its corpus, as TAP.
exec "$(dirname "$0")/run" --replay
