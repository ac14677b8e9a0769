#!/bin/busybox sh
# /init of the Linux baseline's initramfs (tools/bench/baseline.py):
# Debian's arm64 kernel, busybox, and the same TCP services Kite runs
# (tools/bench/linux-srv.c; iperf3 -s on 5201), on eth0 as 10.0.2.15/24
# as QEMU's user network expects. Then a shell on the console with the
# prompt "linux# " that tools/bench.py types at.
#
# Lines tools/bench.py reads: "bench: ready UPTIME" when eth0's link is
# up and every service listens (UPTIME: /proc/uptime's first field),
# "bench: no eth0" if no NIC driver bound.
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

# Debian builds the NIC drivers as modules; insmod in dependency order
# (no modules.dep in here). A module for absent hardware loads and
# binds nothing.
for m in failover net_failover virtio_net virtio_mmio \
	virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci e1000; do
	[ -e /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko 2>/dev/null
done

i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do
	usleep 20000
	i=$((i + 1))
done
[ -e /sys/class/net/eth0 ] || echo "bench: no eth0"

ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
# Ready means reachable, as Kite's prompt does: e1000's link comes up
# about two seconds after the driver binds (its watchdog), virtio's at
# once.
i=0
while [ "$(cat /sys/class/net/eth0/operstate 2>/dev/null)" != up ] &&
	[ $i -lt 500 ]; do
	usleep 20000
	i=$((i + 1))
done

/srv/linux-srv &
[ -x /usr/bin/iperf3 ] && /usr/bin/iperf3 -s -D >/dev/null 2>&1
# Both listen within a moment; wait until they do.
i=0
while ! grep -q ':0007 00000000:0000 0A' /proc/net/tcp && [ $i -lt 100 ]; do
	usleep 10000
	i=$((i + 1))
done

echo "bench: ready $(cut -d' ' -f1 /proc/uptime)"
export PS1='linux# '
exec sh
