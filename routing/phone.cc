// SPDX-License-Identifier: GPL-3.0-or-later
//
// Phone numbers to E.164 (phone.h). C++ only because libphonenumber is;
// everything that crosses into C is a plain char buffer or an int, and
// every entry point catches all exceptions, so none reaches C code.
//
// Mali numbers are never handed to libphonenumber's validity checks:
// Debian 12 ships its 8.12.57 metadata, which refuses prefixes in
// service today (52 and 53 since 9.0.5, 85 since 8.13.54). A Mali number
// is "+223" and 8 digits, its kind and carrier come from the tables
// below, written from upstream's current metadata (reporting-anchors.md
// §E). libphonenumber is used for what it is good at and where staleness
// costs little: knowing other countries' codes, lengths and national
// prefixes ("+33 (0)6 ..." is +336...).
#include "phone.h"

#include <cstddef>
#include <cstring>
#include <string>

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// The longest written form we read. source_addr is at most 21 octets;
// "(+223) 70 . 00 . 00 . 41" written by hand is about 25. Beyond this it
// is text, not a number, and we do not hand it to a regex engine.
constexpr size_t ADDR_MAX = 64;

// Digits kept from a written form: "00", a country code and 15 digits
// at most in all (E.164), with 2 to spare for a national prefix written
// after the country code ("+44 (0)20 ...") that libphonenumber drops.
constexpr size_t DIGITS_MAX = 19;

// E.164 numbers are at most 15 digits; below 8 it is a short code
// (Mali's are 2 to 5 digits) or a number no network of ours can reach.
constexpr size_t E164_DIGITS_MIN = 8;
constexpr size_t E164_DIGITS_MAX = 15;

constexpr size_t ML_NSN = 8;	// Mali: 8 digits, no trunk prefix

// SMPP 3.4 §5.2.5 and §5.2.6.
constexpr int TON_INTERNATIONAL = 1;
constexpr int TON_NATIONAL = 2;
constexpr int TON_SUBSCRIBER = 4;
constexpr int TON_ALPHANUMERIC = 5;

static_assert(PHONE_E164_MAX == 1 + E164_DIGITS_MAX + 1, "+, digits, NUL");

struct digits {
	char d[DIGITS_MAX + 1];
	size_t n;
	bool plus;		// written with a leading "+"
};

// Numbering plans that are not telephone numbers: X.121 (3), telex (4),
// land mobile E.212 (6: an IMSI, whose 610 would be misread as a country
// code), ERMES (10), Internet (14), WAP client id (18). The others, even
// "private" (9), are what carriers put on ordinary MSISDNs.
bool
npi_is_phone(int npi)
{
	return npi != 3 && npi != 4 && npi != 6 && npi != 10 && npi != 14 &&
	    npi != 18;
}

bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

// Keeps the digits of a written number. Separators people and carriers
// use are skipped: space, tab, . - / ( ) and the no-break spaces French
// typography puts between digit pairs (U+00A0, U+202F, in UTF-8). A "+"
// is accepted only before the first digit. Anything else (letters, "*",
// "#", an extension) means this is not a subscriber number.
int
scan(const char *addr, digits *out)
{
	size_t len = strnlen(addr, ADDR_MAX + 1);

	out->n = 0;
	out->plus = false;
	if (len > ADDR_MAX)
		return -1;
	for (size_t i = 0; i < len; i++) {
		const unsigned char c = static_cast<unsigned char>(addr[i]);

		if (is_digit(static_cast<char>(c))) {
			if (out->n == DIGITS_MAX)
				return -1;
			out->d[out->n++] = static_cast<char>(c);
		} else if (c == '+') {
			if (out->plus || out->n != 0)
				return -1;
			out->plus = true;
		} else if (c == ' ' || c == '\t' || c == '.' || c == '-' ||
		    c == '/' || c == '(' || c == ')') {
			continue;
		} else if (c == 0xc2 && i + 1 < len &&
		    static_cast<unsigned char>(addr[i + 1]) == 0xa0) {
			i += 1;
		} else if (c == 0xe2 && i + 2 < len &&
		    static_cast<unsigned char>(addr[i + 1]) == 0x80 &&
		    static_cast<unsigned char>(addr[i + 2]) == 0xaf) {
			i += 2;
		} else {
			return -1;
		}
	}
	out->d[out->n] = '\0';
	return out->n == 0 ? -1 : 0;
}

struct ml_range {
	const char *prefix;	// of the 8-digit national number
	phone_kind kind;
};

// Mali's ranges in upstream libphonenumber's current metadata (territory
// ML, reporting-anchors.md §E), not Debian's 8.12.57: mobile
// 2(?:0(?:01|79)|17\d)\d{4} | (?:5[0-3]|[679]\d|8[2-59])\d{6}; fixed
// 2(?:07[0-8]|12[67])\d{4} | (?:2(?:02|1[4-689])|4(?:0[0-4]|4[1-59]))\d{5};
// toll-free 80\d{6}. Spelt out as prefixes, none a prefix of another, so
// the first match is the only one.
const ml_range ML_RANGES[] = {
	{ "2001", PHONE_MOBILE }, { "2079", PHONE_MOBILE },
	{ "217", PHONE_MOBILE },
	{ "50", PHONE_MOBILE }, { "51", PHONE_MOBILE },
	{ "52", PHONE_MOBILE }, { "53", PHONE_MOBILE },	// since 9.0.5
	{ "6", PHONE_MOBILE }, { "7", PHONE_MOBILE }, { "9", PHONE_MOBILE },
	{ "82", PHONE_MOBILE }, { "83", PHONE_MOBILE },
	{ "84", PHONE_MOBILE }, { "85", PHONE_MOBILE },	// since 8.13.54
	{ "89", PHONE_MOBILE },
	{ "2070", PHONE_FIXED }, { "2071", PHONE_FIXED },
	{ "2072", PHONE_FIXED }, { "2073", PHONE_FIXED },
	{ "2074", PHONE_FIXED }, { "2075", PHONE_FIXED },
	{ "2076", PHONE_FIXED }, { "2077", PHONE_FIXED },
	{ "2078", PHONE_FIXED }, { "2126", PHONE_FIXED },
	{ "2127", PHONE_FIXED }, { "202", PHONE_FIXED },
	{ "214", PHONE_FIXED }, { "215", PHONE_FIXED },
	{ "216", PHONE_FIXED }, { "218", PHONE_FIXED },
	{ "219", PHONE_FIXED },
	{ "400", PHONE_FIXED }, { "401", PHONE_FIXED },
	{ "402", PHONE_FIXED }, { "403", PHONE_FIXED },
	{ "404", PHONE_FIXED },
	{ "441", PHONE_FIXED }, { "442", PHONE_FIXED },
	{ "443", PHONE_FIXED }, { "449", PHONE_FIXED },
	{ "444", PHONE_FIXED }, { "445", PHONE_FIXED },	// since 8.13.54
	{ "80", PHONE_TOLL_FREE },
};

struct ml_carrier {
	const char *prefix;	// of the 8-digit national number
	const char *name;
};

// Who each prefix was allocated to: upstream's carrier/en/223.txt
// (reporting-anchors.md §E; 85 is there since 8.13.54, Debian's 8.12.57
// lacks it, and the C++ build has no carrier mapper anyway). Atel is
// the Telecel network; Sotelma is Malitel, now Moov Africa. Fixed and
// toll-free ranges have no entry: no carrier we can reply through by SMS
// is implied by them.
const ml_carrier ML_CARRIERS[] = {
	{ "200", "orange" }, { "2079", "moov" }, { "217", "moov" },
	{ "5", "telecel" }, { "6", "moov" }, { "7", "orange" },
	{ "82", "orange" }, { "83", "orange" }, { "84", "orange" },
	{ "85", "orange" }, { "89", "moov" },
	{ "90", "orange" }, { "91", "orange" }, { "92", "orange" },
	{ "93", "orange" }, { "94", "orange" },
	{ "95", "moov" }, { "96", "moov" }, { "97", "moov" },
	{ "98", "moov" }, { "99", "moov" },
};

bool
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

phone_kind
ml_kind(const char *nsn)
{
	for (const ml_range &r : ML_RANGES)
		if (has_prefix(nsn, r.prefix))
			return r.kind;
	return PHONE_OTHER_ML;
}

// A Mali national number: exactly 8 digits, whatever its prefix (a new
// range must not be refused), but not starting with 0: Mali has no
// trunk prefix, and 0 begins "00", the international prefix.
int
mali(const char *nsn, size_t n, char out[PHONE_E164_MAX], phone_kind *kind)
{
	if (n != ML_NSN || nsn[0] == '0')
		return -1;
	memcpy(out, "+223", 4);
	memcpy(out + 4, nsn, ML_NSN);
	out[4 + ML_NSN] = '\0';
	*kind = ml_kind(nsn);
	return 0;
}

bool
e164_shape(const std::string &e)
{
	if (e.size() < 1 + E164_DIGITS_MIN || e.size() > 1 + E164_DIGITS_MAX ||
	    e[0] != '+')
		return false;
	for (size_t i = 1; i < e.size(); i++)
		if (!is_digit(e[i]))
			return false;
	return true;
}

// A foreign number: country code and number as digits. libphonenumber
// knows the country codes, their lengths and their national prefixes. A
// number guessed to be international (no "+", no TON saying so) must
// also be valid by its metadata, since a wrong guess would send a reply
// to a stranger.
int
foreign(const char *d, size_t n, bool must_be_valid,
    char out[PHONE_E164_MAX], phone_kind *kind)
{
	const PhoneNumberUtil &u = *PhoneNumberUtil::GetInstance();
	PhoneNumber pn, again;
	std::string e, e2;

	if (n < E164_DIGITS_MIN || n > DIGITS_MAX)
		return -1;
	if (u.Parse("+" + std::string(d, n), "ZZ", &pn) !=
	    PhoneNumberUtil::NO_PARSING_ERROR)
		return -1;
	if (pn.country_code() == 223 || pn.has_extension())
		return -1;
	if (u.IsPossibleNumberWithReason(pn) != PhoneNumberUtil::IS_POSSIBLE)
		return -1;
	if (must_be_valid && !u.IsValidNumber(pn))
		return -1;
	u.Format(pn, PhoneNumberUtil::E164, &e);
	if (!e164_shape(e))
		return -1;
	// What we give out must come back unchanged (one sender, one key):
	// refuse the rare form libphonenumber would rewrite again.
	if (u.Parse(e, "ZZ", &again) != PhoneNumberUtil::NO_PARSING_ERROR)
		return -1;
	u.Format(again, PhoneNumberUtil::E164, &e2);
	if (e2 != e)
		return -1;
	memcpy(out, e.c_str(), e.size() + 1);
	*kind = PHONE_FOREIGN;
	return 0;
}

// Country code and number: Mali's by our rule, the others by
// libphonenumber's.
int
international(const char *d, size_t n, bool must_be_valid,
    char out[PHONE_E164_MAX], phone_kind *kind)
{
	if (n >= 3 && memcmp(d, "223", 3) == 0)
		return mali(d + 3, n - 3, out, kind);
	return foreign(d, n, must_be_valid, out, kind);
}

int
normalise(const char *addr, int ton, int npi, char out[PHONE_E164_MAX],
    phone_kind *kind)
{
	digits dg;
	const char *d;
	size_t n;

	if (addr == nullptr || ton == TON_ALPHANUMERIC || !npi_is_phone(npi))
		return -1;
	if (scan(addr, &dg) != 0)
		return -1;
	d = dg.d;
	n = dg.n;
	// A written "+" or "00" (the international prefix in Mali and most
	// of the world) says international whatever the TON: carriers get
	// the TON wrong more often than subscribers get the digits wrong.
	if (dg.plus)
		return international(d, n, false, out, kind);
	if (n >= 2 && d[0] == '0' && d[1] == '0')
		return international(d + 2, n - 2, false, out, kind);

	switch (ton) {
	case TON_INTERNATIONAL:
		// Exactly 8 bare digits flagged international: an SMSC that
		// marks Mali's national numbers TON 1. The rare 8-digit E.164
		// numbers (+500, +682, +688 ...) would never reach a Malian
		// toll-free number; Mali's 8-digit subscribers do.
		if (n == ML_NSN)
			return mali(d, n, out, kind);
		return international(d, n, false, out, kind);
	case TON_NATIONAL:
	case TON_SUBSCRIBER:
		if (n == ML_NSN)
			return mali(d, n, out, kind);
		// "223" and 8 digits marked national: the country code is
		// unmistakable, the TON a carrier's slip.
		if (n == 3 + ML_NSN && memcmp(d, "223", 3) == 0)
			return mali(d + 3, ML_NSN, out, kind);
		return -1;
	default:
		// Unknown (0), network-specific (3), abbreviated (6), or not
		// given (-1): guess from the digits.
		if (n == 3 + ML_NSN && memcmp(d, "223", 3) == 0)
			return mali(d + 3, ML_NSN, out, kind);
		if (n == ML_NSN)
			return mali(d, n, out, kind);
		// Longer: a foreign number written without its "+". Mali
		// has no other length, so there is nothing else it can be.
		if (n > ML_NSN)
			return international(d, n, true, out, kind);
		return -1;
	}
}

} // namespace

extern "C" int
phone_init(void)
{
	try {
		const PhoneNumberUtil *u = PhoneNumberUtil::GetInstance();
		PhoneNumber pn;

		// The first Parse compiles the regular expressions it needs;
		// doing one here keeps those milliseconds out of the first
		// message, and proves the metadata loaded.
		if (u == nullptr || u->Parse("+33612345678", "ZZ", &pn) !=
		    PhoneNumberUtil::NO_PARSING_ERROR || pn.country_code() != 33)
			return -1;
		return 0;
	} catch (...) {
		return -1;
	}
}

extern "C" int
phone_normalise(const char *addr, int ton, int npi, char out[PHONE_E164_MAX],
    enum phone_kind *kind)
{
	phone_kind k = PHONE_OTHER_ML;
	char e[PHONE_E164_MAX];

	if (out == nullptr)
		return -1;
	out[0] = '\0';
	try {
		if (normalise(addr, ton, npi, e, &k) != 0)
			return -1;
	} catch (...) {
		// bad_alloc or anything libphonenumber throws: no number.
		return -1;
	}
	memcpy(out, e, strlen(e) + 1);
	if (kind != nullptr)
		*kind = k;
	return 0;
}

extern "C" const char *
phone_carrier(const char *e164)
{
	try {
		if (e164 == nullptr || strnlen(e164, PHONE_E164_MAX) !=
		    4 + ML_NSN || memcmp(e164, "+223", 4) != 0)
			return nullptr;
		for (size_t i = 4; i < 4 + ML_NSN; i++)
			if (!is_digit(e164[i]))
				return nullptr;
		for (const ml_carrier &c : ML_CARRIERS)
			if (has_prefix(e164 + 4, c.prefix))
				return c.name;
		return nullptr;
	} catch (...) {
		return nullptr;
	}
}
