#ifndef KITE_RTC_H
#define KITE_RTC_H

#include <stdbool.h>
#include <stdint.h>

struct fdt;

/* Read the first RTC the device tree names: microseconds since the
 * Unix epoch. False if there is none Kite knows. */
bool rtc_read_boot_time(const struct fdt *fdt, uint64_t *epoch_us);

#endif
