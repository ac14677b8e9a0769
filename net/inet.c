#include <stdio.h>

#include "net/inet.h"

bool inet_parse(const char *s, uint32_t *addr)
{
	uint32_t a = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		int digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return false;
		a = a << 8 | v;
		if (part < 3 && *s++ != '.')
			return false;
	}
	if (*s)
		return false;
	/* Network byte order: the first octet at the lowest address. */
	uint8_t *b = (uint8_t *)addr;
	b[0] = (uint8_t)(a >> 24);
	b[1] = (uint8_t)(a >> 16);
	b[2] = (uint8_t)(a >> 8);
	b[3] = (uint8_t)a;
	return true;
}

const char *inet_format(uint32_t addr, char *buf)
{
	const uint8_t *b = (const uint8_t *)&addr;
	snprintf(buf, INET_ADDRSTRLEN, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	return buf;
}
