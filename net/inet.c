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
	*addr = a;
	return true;
}

const char *inet_format(uint32_t addr, char *buf)
{
	snprintf(buf, INET_ADDRSTRLEN, "%u.%u.%u.%u", addr >> 24,
		 (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff);
	return buf;
}

bool inet_is_unicast_host(uint32_t addr)
{
	uint8_t net = (uint8_t)(addr >> 24);

	return net != 0 && net != 127 && net < 224;
}
