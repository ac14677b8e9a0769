# Kite: bare-metal reference firmware for QEMU virt (riscv64, aarch64).
#
#   make                 build build/$(ARCH)/kite.elf and kite.bin
#   make run             boot it in QEMU (NIC=virtio-mmio|virtio-mmio-modern|
#                        virtio-pci|e1000|both|none; BOARD=sifive_u on riscv64,
#                        whose NIC is gem or none; BOARD=zcu102 on aarch64,
#                        NIC=gem|none)
#   make run UBOOT=1     boot kite.bin through U-Boot's booti, as a board does
#   make test            build both arches and run every test
#   make bench           benchmark table against a Linux guest (not a test)
#   make debug           QEMU halted with a gdb stub, gdb attached
#   make fuzz            run each libFuzzer target FUZZ_SECONDS (tests/fuzz/)
#   PCAP=file.pcap       with run or debug: record the NICs' frames (tools/qemu.sh)
#   LOAD_ADDR=0x80400000 with run or debug: kite.bin at that address (virt)
#   SMP=2                with run or debug: that many CPUs
#   make deps            install everything but the benchmark's packages
#
# ARCH defaults to riscv64. Everything is built under build/. run, debug,
# test, soak and bench first install what they use (tools/deps.sh), then
# build through a second make, which reads this file again: the cross
# compiler may not have existed when this one read it.

ARCH ?= riscv64
BOARD ?= virt
# The boards have only their own NICs, Cadence GEMs (drivers/gem.c);
# zcu102 has four, of which the board's tree enables one (tools/qemu.sh).
NIC ?= $(if $(filter sifive_u zcu102,$(BOARD)),gem,virtio-mmio)
V ?= 0

BUILD := build/$(ARCH)
NEWLIB := $(BUILD)/newlib
Q := $(if $(filter 1,$(V)),,@)

# LINK_ADDR: where the image is linked. Kite relocates itself to wherever
# it is loaded (boot/<arch>/start.S), so this only decides where kite.elf's
# symbols match the running image without an offset (gdb, addr2line): the
# address where QEMU's virt puts it by default.
ifeq ($(ARCH),riscv64)
CROSS := riscv64-unknown-elf-
# The bare-metal binutils cannot link a position-independent executable
# (binutils' ld/emulparams/elf64lriscv-defs.sh gives riscv*-elf targets
# no -pie); the Linux-target ld of the same release links the same
# objects as one (tools/deps.sh installs binutils-riscv64-linux-gnu).
LD := riscv64-linux-gnu-ld
# OpenSBI's next address on virt and sifive_u: RAM + 2 MiB.
LINK_ADDR := 0x80200000
ARCH_CFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
# The soft-float multilib matching the flags above.
LIBGCC := $(shell $(CROSS)gcc -march=rv64imac -mabi=lp64 -print-libgcc-file-name 2>/dev/null)
else ifeq ($(ARCH),aarch64)
CROSS := aarch64-linux-gnu-
LD := aarch64-linux-gnu-ld
# ld itself, as gcc would call it: Cortex-A53 erratum 843419 (an adrp
# at the end of a 4 KiB page) is worked around at link time; ZynqMP
# boards have A53s.
LD_ARCH := --fix-cortex-a53-843419
# QEMU virt's RAM + text_offset 0x80000.
LINK_ADDR := 0x40080000
ARCH_CFLAGS := -mstrict-align -mno-outline-atomics
LIBGCC := $(shell $(CROSS)gcc -print-libgcc-file-name 2>/dev/null)
else
$(error ARCH must be riscv64 or aarch64)
endif

CC := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
GCC_INCLUDE := $(shell $(CC) -print-file-name=include 2>/dev/null)
# GCC_INCLUDE is empty when the compiler is missing: the recipes that
# need it expand NEED_CC first and stop with this message, rather than
# build with -isystem swallowing the flag after it.
NEED_CC = $(if $(GCC_INCLUDE),,$(error $(CC) not found: run `make deps` \
	(or tools/deps.sh $(ARCH)), or `make run`, which installs it))
NEED_LD = $(if $(shell command -v $(LD) 2>/dev/null),,$(error $(LD) not \
	found: run `make deps` (or tools/deps.sh $(ARCH)), or `make run`, \
	which installs it))

WARN := -Wall -Wextra -Werror -Wno-unused-parameter
CFLAGS := -std=gnu11 $(WARN) -O2 -g -ffreestanding -fno-common \
	-ffunction-sections -fdata-sections -fpie -fno-stack-protector \
	-fno-omit-frame-pointer -nostdinc -isystem $(NEWLIB)/include \
	-isystem $(GCC_INCLUDE) -I. -Ikernel/include $(ARCH_CFLAGS) \
	-DKITE_LINK_ADDR=$(LINK_ADDR)
ASFLAGS := $(CFLAGS) -D__ASSEMBLY__
# A static position-independent executable: every absolute address in
# it is an R_*_RELATIVE entry in .rela.dyn, which start.S applies (the
# linker script drops the dynamic linker's tables, so the ELF says
# EXEC). -z notext: newlib, built without -fpie, keeps absolute pointers
# in .rodata; start.S writes them before the MMU could make them
# read-only. Instructions never need one: a position-independent link
# refuses absolute addresses in code ("can not be used when making a
# shared object"). tools/check-image.py checks what comes out.
LDFLAGS := -nostdlib -static -pie --no-dynamic-linker -z notext \
	-T linker/$(ARCH).ld --defsym=KITE_LINK_ADDR=$(LINK_ADDR) \
	--gc-sections --build-id=none -z noexecstack --no-warn-rwx-segments \
	$(LD_ARCH)
LIBS := --start-group $(NEWLIB)/lib/libc.a $(NEWLIB)/lib/libm.a \
	$(LIBGCC) --end-group

# Sources: the portable kernel, drivers and the stack, then the arch port.
KERNEL_SRCS := $(wildcard kernel/*.c kernel/shell/*.c kernel/services/*.c \
	kernel/proc/*.c)
DRIVER_SRCS := $(wildcard drivers/*.c)
NET_SRCS := $(wildcard net/*.c)
ARCH_SRCS := $(wildcard arch/$(ARCH)/*.c) $(wildcard arch/$(ARCH)/*.S)
BOOT_SRCS := $(wildcard boot/$(ARCH)/*.S)
SRCS := $(BOOT_SRCS) $(ARCH_SRCS) $(KERNEL_SRCS) $(DRIVER_SRCS) $(NET_SRCS)
OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(SRCS))

.PHONY: all deps run test debug clean distclean unit newlib bench soak coverage FORCE
all: $(BUILD)/kite.elf $(BUILD)/kite.bin

# newlib is the slow part (2-3 minutes); it is built once per arch.
$(NEWLIB)/lib/libc.a: tools/build-newlib.sh
	@echo "  NEWLIB  $(ARCH) (once; a few minutes)"$(NEED_CC)
	$(Q)tools/build-newlib.sh $(ARCH) $(NEWLIB)

newlib: $(NEWLIB)/lib/libc.a

$(OBJS): $(NEWLIB)/lib/libc.a

$(BUILD)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"$(NEED_CC)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"$(NEED_CC)
	$(Q)$(CC) $(ASFLAGS) -MMD -MP -c $< -o $@

# The version names the commit built (git describe): version.c alone
# sees it, so nothing else can print a stale one, and it is compiled
# again on every build.
$(BUILD)/obj/kernel/version.c.o: CFLAGS += -DKITE_VERSION='"$(GIT_VERSION)"'
$(BUILD)/obj/kernel/version.c.o: FORCE
GIT_VERSION = $(shell git describe --always --dirty 2>/dev/null || echo unknown)

$(BUILD)/kite.elf: $(OBJS) linker/$(ARCH).ld
	@echo "  LD      $@"$(NEED_LD)
	$(Q)$(LD) $(LDFLAGS) $(OBJS) $(LIBS) -o $@

$(BUILD)/kite.bin: $(BUILD)/kite.elf
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O binary $< $@

-include $(OBJS:.o=.d)

deps:
	@tools/deps.sh all

# --- running ------------------------------------------------------------

SUBMAKE := $(MAKE) --no-print-directory

run:
	@tools/deps.sh $(ARCH) $(if $(filter 1,$(UBOOT)),uboot)
	@$(SUBMAKE) ARCH=$(ARCH) all
	@tools/qemu.sh run $(ARCH) $(NIC)

debug:
	@tools/deps.sh $(ARCH) debug
	@$(SUBMAKE) ARCH=$(ARCH) all
	@tools/qemu.sh debug $(ARCH) $(NIC)

# --- tests --------------------------------------------------------------

HOSTCC ?= gcc
HOST_CFLAGS := -std=gnu11 $(WARN) -g -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -I. -DKITE_HOST
HOST := build/host
# make coverage builds the same tests with gcov's instrumentation too.
HOST_CFLAGS += $(HOST_EXTRA_CFLAGS)
# Each unit test and the portable sources it exercises.
UNIT_test_fdt := kernel/fdt.c
UNIT_test_timerheap := kernel/timerheap.c
UNIT_test_runq := kernel/runq.c
UNIT_test_irq := kernel/irq.c tests/unit/fake_kernel.c
UNIT_test_cmdline := kernel/cmdline.c
UNIT_test_net_cmdline := kernel/net_cmdline.c kernel/cmdline.c net/ip6_addr.c \
	net/inet.c
UNIT_test_lineedit := kernel/shell/lineedit.c
UNIT_test_json := kernel/services/json.c
UNIT_test_iperf3_proto := kernel/services/iperf3_proto.c kernel/services/json.c
UNIT_test_pci_route := drivers/pci_route.c
UNIT_test_virtqueue := drivers/virtqueue.c drivers/dma.c kernel/fdt.c \
	tests/unit/fake_cache.c tests/unit/fake_kernel.c
# drivers/dma.c with arch/arch.h's cache hooks recorded (fake_cache.c).
UNIT_test_dma := drivers/dma.c kernel/fdt.c tests/unit/fake_cache.c \
	tests/unit/fake_kernel.c
UNIT_test_e1000_ring :=
UNIT_test_phy := drivers/phy.c
# IPv6 (eth.c hands it frames, so the Ethernet tests link it too), with
# what it shares with IPv4 and ARP.
IP6_SRCS := $(sort $(wildcard net/ip6*.c net/icmp6.c net/nd6*.c \
	net/route6.c)) net/checksum.c net/reasm.c net/neigh_queue.c \
	net/ratelimit.c
UNIT_test_arp := net/arp.c net/eth.c net/pkt.c net/inet.c $(IP6_SRCS)
UNIT_test_eth := net/eth.c net/arp.c net/pkt.c net/inet.c $(IP6_SRCS)
UNIT_test_dhcp := net/dhcp.c net/inet.c
UNIT_test_udp := net/udp.c net/udp6.c net/sock.c net/ping.c net/portalloc.c \
	net/pkt.c net/checksum.c net/ip6_addr.c net/inet.c tests/net/port_host.c
UNIT_test_portalloc := net/portalloc.c tests/net/port_host.c
UNIT_test_ip := net/ip.c net/ip_frag.c net/reasm.c net/icmp.c net/ratelimit.c \
	net/route.c net/checksum.c net/pkt.c net/siphash.c
UNIT_test_ip_frag := $(UNIT_test_ip)
UNIT_test_icmp := $(UNIT_test_ip)
UNIT_test_route := net/route.c
UNIT_test_ip6_addr := net/ip6_addr.c net/inet.c
UNIT_test_route6 := net/route6.c net/ip6_addr.c net/inet.c
UNIT_test_tcp_opt := net/tcp_opt.c
UNIT_test_tcp_cc := net/tcp_cc.c
UNIT_test_tcp_sack := net/tcp_sack.c
UNIT_test_tcp_isn := net/tcp_isn.c net/siphash.c
UNIT_test_timerwheel := net/timerwheel.c
# The whole stack over a simulated link.
UNIT_test_stack := $(filter-out net/netdev.c,$(wildcard net/*.c)) \
	tests/net/sim.c tests/net/port_host.c
UNIT_test_tcp := $(UNIT_test_stack)
UNIT_test_sysctl := $(UNIT_test_stack)
UNIT_test_tcp_foreach := $(UNIT_test_stack)
UNIT_test_ip6 := $(UNIT_test_stack)
UNIT_test_nd6 := $(UNIT_test_stack)
UNIT_test_udp6 := $(UNIT_test_stack)
UNIT_test_tcp6 := $(UNIT_test_stack)
# TCP's close lifecycle over the simulated link (tests/sim/).
UNIT_test_tcp_close := $(UNIT_test_tcp)
UNIT_test_tcp_orphan := $(UNIT_test_tcp)
UNIT_test_tcp_timewait := $(UNIT_test_tcp)
UNIT_test_tcp_ports := $(UNIT_test_tcp)
UNIT_test_tcp_listen := $(UNIT_test_tcp)
UNIT_test_tcp_keepalive := $(UNIT_test_tcp)
UNIT_test_tcp_rules := $(UNIT_test_tcp)
UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c)) \
	$(patsubst tests/net/%.c,%,$(wildcard tests/net/test_*.c)) \
	$(patsubst tests/sim/%.c,%,$(wildcard tests/sim/test_*.c))

# Each source is compiled once into build/host/obj/ and shared by every
# test that links it (the whole-stack tests link every file of net/ but netdev.c);
# -MMD keeps both the objects and the test programs up to date.
host_objs = $(patsubst %.c,$(HOST)/obj/%.o,$(1))

$(HOST)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

.SECONDEXPANSION:
# tests/unit/: portable kernel parts; tests/net/: each protocol and
# whole stacks on a simulated link; tests/sim/: TCP's close lifecycle.
$(HOST)/%: tests/unit/%.c $$(call host_objs,$$(UNIT_$$*))
	@mkdir -p $(HOST)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -MT $@ -MF $@.d $< \
		$(call host_objs,$(UNIT_$*)) -o $@

$(HOST)/%: tests/net/%.c $$(call host_objs,$$(UNIT_$$*))
	@mkdir -p $(HOST)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -MT $@ -MF $@.d $< \
		$(call host_objs,$(UNIT_$*)) -o $@

$(HOST)/%: tests/sim/%.c $$(call host_objs,$$(UNIT_$$*))
	@mkdir -p $(HOST)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -MT $@ -MF $@.d $< \
		$(call host_objs,$(UNIT_$*)) -o $@

-include $(wildcard $(HOST)/*.d) \
	$(shell find $(HOST)/obj -name '*.d' 2>/dev/null)

unit: $(addprefix $(HOST)/,$(UNIT_TESTS))

# libFuzzer targets: make fuzz, make fuzz-smoke (tests/fuzz/fuzz.mk).
include tests/fuzz/fuzz.mk

test:
	@tools/deps.sh test
	@tools/run-tests.sh

# Line and branch coverage of net/ by the host tests (gcov), reported,
# not asserted: tools/coverage.sh.
coverage:
	@tools/coverage.sh

# --- soak -------------------------------------------------------------
# tests/boot/soak.exp for SOAK_S seconds on each arch (make test runs it
# for 45 s): mixed traffic from a host in a network namespace, the heap
# flat and sockstat at its baseline after every round. Needs root and
# /dev/net/tun.
SOAK_S ?= 900
soak:
	@tools/deps.sh test
	@$(SUBMAKE) ARCH=riscv64 all
	@$(SUBMAKE) ARCH=aarch64 all
	@mkdir -p build/soak
	@tools/soak.sh $(SOAK_S) riscv64_soak_virtio_pci riscv64 2 \
		virtio-net-pci build/soak/riscv64.console && \
	tools/soak.sh $(SOAK_S) aarch64_gicv3_soak_e1000 aarch64 3 \
		e1000 build/soak/aarch64.console

# --- benchmark ----------------------------------------------------------
# A table (and a plot) against a Linux arm64 guest under the same QEMU;
# nothing is asserted. The plot's matplotlib is optional; the Linux
# baseline is cached in ~/.cache/kite-bench (KITE_BENCH_CACHE).
bench:
	@tools/deps.sh bench
	@tools/deps.sh plot || echo "bench: no matplotlib, no plot"
	@$(SUBMAKE) ARCH=riscv64 all
	@$(SUBMAKE) ARCH=aarch64 all
	@python3 tools/bench.py

clean:
	rm -rf build/riscv64/obj build/aarch64/obj build/host \
		build/*/kite.elf build/*/kite.bin build/*/kite-at-* \
		build/fuzz/obj build/fuzz/fuzz_* build/coverage \
		build/coverage.build.log

distclean:
	rm -rf build
