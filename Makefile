# numvert: plain GNU Makefile.
#
#   make run        start the demo (numvert-smsc + numvertd on loopback)
#   make check      build, then unit, fuzz-replay and integration tests,
#                   also under AddressSanitizer + UBSan
#   make bench      benchmarks (ratios against a reference run)
#   make bench-ussd the USSD part alone (ANSWERS=1,2,1 for deeper menus)
#   make fuzz       libFuzzer campaigns (FUZZ_SECONDS each)
#   make SANITIZE=1 build with ASan + UBSan into build/san/
#
# Every target that needs packages first runs deploy/install-deps, which
# returns at once when everything is present.

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
B ?= build/san
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
else
B ?= build
SANFLAGS =
endif

CC ?= gcc
CXX = g++
CLANGXX ?= clang++
OPT ?= -O2
WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wvla -Wpointer-arith -Wundef
CPPFLAGS = -D_GNU_SOURCE -Igateway -I.
CFLAGS = -std=c11 $(OPT) -g $(WARN) $(SANFLAGS) -MMD -MP
# routing/phone.cc is the only C++ (libphonenumber is C++): the C warnings
# that C++ also has, and -Wmissing-declarations for -Wmissing-prototypes.
CXXWARN = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wpointer-arith \
	-Wundef -Wmissing-declarations
CXXFLAGS = -std=c++17 $(OPT) -g $(CXXWARN) $(SANFLAGS) -MMD -MP
LDFLAGS = $(SANFLAGS)
# libphonenumber has no .pc file. -lphonenumber alone links (its own
# protobuf and ICU come in as its DT_NEEDED); -lstdc++ because the
# binaries are linked by the C driver.
LIBS = -levent -levent_pthreads -linih -lsmpp34 -lyaml -lsqlite3 -lsodium \
	-lphonenumber -lstdc++ -lpthread -lm

# libsmpp34 headers are seen by the codec only.
SMPP34_CFLAGS = -I/usr/include/libsmpp34

BASE_SRC = $(wildcard gateway/base/*.c)
GW_SRC = $(filter-out gateway/main.c, $(wildcard gateway/*.c))
DB_SRC = $(wildcard db/*.c)
ROUTING_SRC = $(wildcard routing/*.c)
MENUS_SRC = $(wildcard menus/*.c)
ROUTING_CXX_SRC = $(wildcard routing/*.cc)
SIM_SRC = $(wildcard gateway/sim/*.c)
ADMIN_SRC = $(wildcard gateway/admin/*.c)
TOOL_SRC = $(wildcard tests/tools/*.c)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)

LIB_OBJ = $(patsubst %.c,$(B)/obj/%.o,$(BASE_SRC) $(GW_SRC) $(DB_SRC) \
	$(ROUTING_SRC) $(MENUS_SRC)) $(patsubst %.cc,$(B)/obj/%.o,$(ROUTING_CXX_SRC))
SIM_OBJ = $(patsubst %.c,$(B)/obj/%.o,$(SIM_SRC))
ADMIN_OBJ = $(patsubst %.c,$(B)/obj/%.o,$(ADMIN_SRC))
TOOL_BIN = $(patsubst tests/tools/%.c,$(B)/tools/%,$(TOOL_SRC))
UNIT_BIN = $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
FUZZ_BIN = $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))

DEPS_STAMP = deploy/install-deps

.PHONY: all run check bench bench-ussd fuzz fuzz-build tests deps clean \
	example-config

# Keep test objects between runs (they are intermediate files of a pattern rule).
.SECONDARY:

all: $(B)/numvertd $(B)/numvert-smsc $(B)/numvert

deps:
	@deploy/install-deps

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(B)/obj/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

$(B)/obj/gateway/smpp_codec.o: CPPFLAGS += $(SMPP34_CFLAGS)

$(B)/libnumvert.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/numvertd: $(B)/obj/gateway/main.o $(B)/libnumvert.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/numvert-smsc: $(SIM_OBJ) $(B)/libnumvert.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/numvert: $(ADMIN_OBJ) $(B)/libnumvert.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# Test tools (they may read what numvertd wrote: tests see everything).
$(B)/tools/%: $(B)/obj/tests/tools/%.o $(B)/libnumvert.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(B)/libnumvert.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) -lcmocka -ljansson

tests: all $(UNIT_BIN) $(TOOL_BIN)

# Fuzz targets: clang with libFuzzer, ASan and UBSan, own objects. Each
# source is compiled once (fuzzer-no-link: instrumented for coverage,
# without libFuzzer's main), each target's own file with -fsanitize=
# fuzzer, and every target is linked by clang++, which brings UBSan's C++
# runtime and libstdc++ along (routing/phone.cc is C++).
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -std=c11 -O1 -g $(FUZZ_SAN) -D_GNU_SOURCE -Igateway -I. \
	$(SMPP34_CFLAGS)
FUZZ_LIB_SRC = $(BASE_SRC) $(GW_SRC) $(DB_SRC) $(ROUTING_SRC) $(MENUS_SRC)
FUZZ_CXXFLAGS = -std=c++17 -O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN) \
	-D_GNU_SOURCE -Igateway -I.
FUZZ_LIB_OBJ = $(patsubst %.c,build/fuzz/obj/%.o,$(FUZZ_LIB_SRC)) \
	$(patsubst %.cc,build/fuzz/obj/%.o,$(ROUTING_CXX_SRC))

build/fuzz/obj/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CLANGXX) $(FUZZ_CXXFLAGS) -MMD -MP -c $< -o $@

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANGXX) -x c $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
	    -c $< -o $@

build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CLANGXX) -x c $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP \
	    -MF $@.d -MT $@ $< -x none $(FUZZ_LIB_OBJ) -o $@ $(LIBS)

fuzz-build: $(FUZZ_BIN)

check: deps
	@$(MAKE) --no-print-directory tests
	@$(MAKE) --no-print-directory SANITIZE=1 tests
	@$(MAKE) --no-print-directory fuzz-build
	@tests/check

run: deps
	@$(MAKE) --no-print-directory all
	@deploy/run-demo

bench: deps
	@$(MAKE) --no-print-directory all $(TOOL_BIN)
	@tests/bench/run

# Answers after the dial, one per screen (default 1: today's single screen).
ANSWERS ?=
bench-ussd: deps
	@$(MAKE) --no-print-directory all
	@NV_BUILD=$(CURDIR)/$(B) NV_BENCH_USSD_ANSWERS=$(ANSWERS) \
	    node tests/bench/ussd.js

FUZZ_SECONDS ?= 300
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@tests/fuzz/run $(FUZZ_SECONDS)

# Regenerates the annotated example from the option table.
example-config: $(B)/numvertd
	$(B)/numvertd --print-example-config > deploy/numvert.conf.example

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
