/*
 * The build's identity, for the boot banner and /proc/version. The
 * Makefile compiles this file again on every build, with KITE_VERSION
 * set to `git describe` of the tree built, and gives no other file the
 * macro: both places print these strings, so they cannot disagree.
 */
#include "kernel/kernel.h"

const char kite_version[] = KITE_VERSION;
const char kite_build_time[] = __DATE__ " " __TIME__;
