/* UTF-8 as the daemon's texts need it (utf8.h): command lines, logs. */
#include "utf8.h"

int
utf8_sequence(const unsigned char *in, size_t n)
{
	unsigned char lo = 0x80, hi = 0xBF;
	int len, i;

	if (in[0] < 0x80)
		return 1;
	if (in[0] >= 0xC2 && in[0] <= 0xDF)
		len = 2;
	else if (in[0] >= 0xE0 && in[0] <= 0xEF) {
		len = 3;
		if (in[0] == 0xE0)
			lo = 0xA0;
		else if (in[0] == 0xED)
			hi = 0x9F;
	} else if (in[0] >= 0xF0 && in[0] <= 0xF4) {
		len = 4;
		if (in[0] == 0xF0)
			lo = 0x90;
		else if (in[0] == 0xF4)
			hi = 0x8F;
	} else
		return -1;
	for (i = 1; i < len; i++) {
		if ((size_t)i >= n)
			return 0;
		if (in[i] < lo || in[i] > hi)
			return -1;
		lo = 0x80;
		hi = 0xBF;
	}
	return len;
}
