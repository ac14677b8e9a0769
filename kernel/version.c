/* Rebuilt on every build (see Makefile) so the banner names the commit. */
const char kernel_version[] = KITE_VERSION " " __DATE__ " " __TIME__;
