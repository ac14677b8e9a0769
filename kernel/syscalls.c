/*
 * newlib's system-call layer and its retargetable locks.
 *
 * newlib is built with --disable-newlib-supplied-syscalls: every OS
 * service it needs comes from here. Descriptors 0-2 are the console;
 * from SOCKET_FD_BASE on they are sockets (kernel/socket.c).
 * Locks are kernel mutexes, so malloc and stdio are safe from several
 * threads; they must never be taken from an interrupt handler (kprintf
 * exists for that).
 */
#include <errno.h>
#include <fcntl.h>
#include <reent.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/lock.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <stdlib.h>
#include <unistd.h>

#include "arch/arch.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/printk.h"
#include "kernel/socket.h"
#include "kernel/timer.h"
#include "kernel/wait.h"

#undef errno
extern int errno;

static bool is_console(int fd)
{
	return fd >= 0 && fd <= 2;
}

/* A socket hook's result: >= 0, or a negative errno to report. The
 * thread's own errno is set too: a socket call may block, and another
 * thread's system call may touch the global errno before the caller's
 * _r wrapper copies it. */
static int socket_result(int r)
{
	if (r < 0) {
		errno = -r;
		_REENT->_errno = -r;
		return -1;
	}
	return r;
}

int _write(int fd, const void *buf, size_t len)
{
	if (fd >= SOCKET_FD_BASE)
		return socket_result(socket_fd_write(fd, buf, len));
	if (!is_console(fd)) {
		errno = EBADF;
		return -1;
	}
	console_write(buf, len);
	return (int)len;
}

/* Console reads return what has arrived, waiting for at least a byte. */
int _read(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t n = 0;

	if (fd >= SOCKET_FD_BASE)
		return socket_result(socket_fd_read(fd, buf, len));
	if (!is_console(fd)) {
		errno = EBADF;
		return -1;
	}
	if (len == 0)
		return 0;
	p[n++] = (char)console_getc();
	while (n < len) {
		int c = console_trygetc();
		if (c < 0)
			break;
		p[n++] = (char)c;
	}
	return (int)n;
}

int _close(int fd)
{
	if (fd >= SOCKET_FD_BASE)
		return socket_result(socket_fd_close(fd));
	if (is_console(fd))
		return 0;
	errno = EBADF;
	return -1;
}

int _fstat(int fd, struct stat *st)
{
	if (fd >= SOCKET_FD_BASE)
		return socket_result(socket_fd_fstat(fd, st));
	if (!is_console(fd)) {
		errno = EBADF;
		return -1;
	}
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFCHR;
	return 0;
}

/* newlib's own fcntl() is a stub answering ENOSYS (it is built without
 * HAVE_FCNTL); this one replaces it at link time. The console is always
 * blocking. */
int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	int arg;

	va_start(ap, cmd);
	arg = va_arg(ap, int);
	va_end(ap);
	if (fd >= SOCKET_FD_BASE)
		return socket_result(socket_fd_fcntl(fd, cmd, arg));
	if (!is_console(fd)) {
		errno = EBADF;
		return -1;
	}
	if (cmd == F_GETFL)
		return O_RDWR;
	if (cmd == F_GETFD || cmd == F_SETFD ||
	    (cmd == F_SETFL && !(arg & O_NONBLOCK)))
		return 0;
	errno = EINVAL;
	return -1;
}

int _isatty(int fd)
{
	if (is_console(fd))
		return 1;
	errno = EBADF;
	return 0;
}

off_t _lseek(int fd, off_t off, int whence)
{
	(void)off;
	(void)whence;
	errno = is_console(fd) ? ESPIPE : EBADF;
	return -1;
}

void *_sbrk(ptrdiff_t incr)
{
	void *p = mem_sbrk(incr);

	if (!p) {
		errno = ENOMEM;
		return (void *)-1;
	}
	return p;
}

int _gettimeofday(struct timeval *tv, void *tz)
{
	(void)tz;
	uint64_t us = kernel_realtime_us();
	tv->tv_sec = (time_t)(us / 1000000);
	tv->tv_usec = (suseconds_t)(us % 1000000);
	return 0;
}

clock_t _times(struct tms *t)
{
	clock_t ticks = (clock_t)(clock_now_us() / (1000000 / CLOCKS_PER_SEC));
	if (t)
		*t = (struct tms){ .tms_utime = ticks };
	return ticks;
}

int _getpid(void)
{
	return 1;
}

int _kill(int pid, int sig)
{
	(void)pid;
	(void)sig;
	errno = EINVAL;
	return -1;
}

int _open(const char *path, int flags, int mode)
{
	(void)path;
	(void)flags;
	(void)mode;
	errno = ENOENT;
	return -1;
}

void _exit(int status)
{
	kprintf("kite: exit(%d), powering off\n", status);
	arch_poweroff();
}

/* --- retargetable locks (newlib <sys/lock.h>) ------------------------- */

struct __lock {
	struct mutex m;
};

/* The locks newlib declares for its own globals. Zero-initialised here;
 * lock_get() completes their set-up on first use. */
struct __lock __lock___sinit_recursive_mutex;
struct __lock __lock___sfp_recursive_mutex;
struct __lock __lock___atexit_recursive_mutex;
struct __lock __lock___at_quick_exit_mutex;
struct __lock __lock___malloc_recursive_mutex;
struct __lock __lock___env_recursive_mutex;
struct __lock __lock___tz_mutex;
struct __lock __lock___dd_hash_mutex;
struct __lock __lock___arc4random_mutex;

static struct mutex *lock_get(_LOCK_T lock, bool recursive)
{
	if (!lock->m.wq.waiters.next) {
		unsigned long flags = arch_irq_save();
		if (!lock->m.wq.waiters.next)
			mutex_init(&lock->m, recursive);
		arch_irq_restore(flags);
	}
	return &lock->m;
}

static void lock_new(_LOCK_T *lock, bool recursive)
{
	/* newlib allocates these for FILEs; malloc takes its own static
	 * lock, so this cannot recurse into itself. */
	*lock = malloc(sizeof(**lock));
	if (!*lock)
		panic("newlib: no memory for a lock");
	mutex_init(&(*lock)->m, recursive);
}

void __retarget_lock_init(_LOCK_T *lock) { lock_new(lock, false); }
void __retarget_lock_init_recursive(_LOCK_T *lock) { lock_new(lock, true); }
void __retarget_lock_close(_LOCK_T lock) { free(lock); }
void __retarget_lock_close_recursive(_LOCK_T lock) { free(lock); }
void __retarget_lock_acquire(_LOCK_T lock) { mutex_lock(lock_get(lock, false)); }
void __retarget_lock_acquire_recursive(_LOCK_T lock) { mutex_lock(lock_get(lock, true)); }
int __retarget_lock_try_acquire(_LOCK_T lock) { return mutex_trylock(lock_get(lock, false)); }
int __retarget_lock_try_acquire_recursive(_LOCK_T lock) { return mutex_trylock(lock_get(lock, true)); }
void __retarget_lock_release(_LOCK_T lock) { mutex_unlock(lock_get(lock, false)); }
void __retarget_lock_release_recursive(_LOCK_T lock) { mutex_unlock(lock_get(lock, true)); }
