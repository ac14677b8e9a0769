# libFuzzer targets (tests/fuzz/), included by the Makefile.
#
#   make fuzz            build every target and run each for FUZZ_SECONDS
#                        (60) on its corpus, one at a time, one process
#   make fuzz-smoke      replay every regression input, then 3000 runs of
#                        each target from a fixed seed (FUZZ_SMOKE_RUNS, at
#                        most FUZZ_SMOKE_SECONDS, 5): PASS/FAIL lines
#   make fuzz-build      just build them (build/fuzz/fuzz_*)
#
# Built with clang (FUZZ_CC), ASan and UBSan, into build/fuzz/; sources
# compile once into build/fuzz/obj/, as the host tests' do. The running
# is tools/fuzz.sh's.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZ := build/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=gnu11 $(WARN) -g -O1 -fno-omit-frame-pointer -I. \
	-DKITE_HOST $(FUZZ_SAN)

# Each target and the sources it links, as UNIT_* for the host tests.
FUZZ_NET_SRCS := $(filter-out net/netdev.c,$(wildcard net/*.c)) \
	tests/net/sim.c tests/net/port_host.c
FUZZ_fuzz_eth := $(FUZZ_NET_SRCS)
FUZZ_fuzz_ipv4 := $(FUZZ_NET_SRCS)
FUZZ_fuzz_icmp := $(FUZZ_NET_SRCS)
FUZZ_fuzz_udp := $(FUZZ_NET_SRCS)
FUZZ_fuzz_tcp := $(FUZZ_NET_SRCS)
FUZZ_fuzz_dhcp := $(FUZZ_NET_SRCS)
FUZZ_fuzz_ip6 := $(FUZZ_NET_SRCS)
FUZZ_fuzz_fdt := kernel/fdt.c
# drivers/dma.c's device tree reading, with the recording cache hooks.
FUZZ_fuzz_dma := drivers/dma.c kernel/fdt.c tests/unit/fake_cache.c \
	tests/unit/fake_kernel.c
FUZZ_fuzz_shell := kernel/shell/lineedit.c kernel/cmdline.c
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

fuzz_objs = $(patsubst %.c,$(FUZZ)/obj/%.o,$(1))
# Kept between builds (make would delete them as intermediates).
.SECONDARY: $(call fuzz_objs,$(sort $(foreach t,$(FUZZ_TARGETS),$(FUZZ_$(t)))))

# Coverage guides the fuzzer through the code under test only: the
# simulated wire's and the host port's loops would swamp it (and cost
# two thirds of the time).
FUZZ_COV = -fsanitize=fuzzer-no-link
$(FUZZ)/obj/tests/%.o: FUZZ_COV =

$(FUZZ)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_COV) -MMD -MP -c $< -o $@

# .SECONDEXPANSION is on (the Makefile's host tests).
$(FUZZ)/%: tests/fuzz/%.c $$(call fuzz_objs,$$(FUZZ_$$*))
	@mkdir -p $(FUZZ)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -MT $@ \
		-MF $@.d $< $(call fuzz_objs,$(FUZZ_$*)) -o $@

-include $(wildcard $(FUZZ)/*.d) \
	$(shell find $(FUZZ)/obj -name '*.d' 2>/dev/null)

.PHONY: fuzz fuzz-smoke fuzz-build
fuzz-build: $(addprefix $(FUZZ)/,$(FUZZ_TARGETS))

fuzz:
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tools/fuzz.sh run $(FUZZ_TARGETS)

fuzz-smoke:
	@FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) tools/fuzz.sh smoke $(FUZZ_TARGETS)
