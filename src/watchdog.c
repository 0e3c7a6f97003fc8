/* Bounds on a command's TPM work: a TPM that stops answering ends tpmctl with
 * exit 7 instead of a hang, and SIGINT/SIGTERM wait until what tpmctl loaded
 * into the TPM has been flushed. */
#include "watchdog.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

static char timeout_message[512];
static char second_signal_message[512];
static int timeout_exit_code;
static unsigned timeout_seconds;
static unsigned paused_remaining;

/* Async-signal-safe: write and _exit only. */
static void on_alarm(int sig)
{
        ssize_t ignored;

        (void)sig;
        ignored = write(STDERR_FILENO, timeout_message, strlen(timeout_message));
        (void)ignored;
        _exit(timeout_exit_code);
}

static void held_set(sigset_t *set);

/* The second signal. A held signal stays blocked, so that the TPM command
 * under way is not interrupted (see signals_hold()); but a TPM that stopped
 * answering, with no timeout (--timeout 0) or a long one, would then keep
 * tpmctl forever: a second SIGINT, SIGTERM or SIGHUP ends it. A thread of
 * its own watches the held signals while the watchdog runs (a handler in
 * the main thread would interrupt the TCTI's poll()): it takes the first
 * one out of the pending set and gives it back when the watchdog stops, so
 * that it ends the process after the cleanup as before; at a second one it
 * exits at once, as the timeout would. The thread is made once and parks
 * between watches, reading no signal then: batch and serve start and stop
 * the watchdog for every request, and a new thread each time cost more
 * than the request's own work on a fast TPM. */
static struct {
        bool made;
        pthread_t thread;
        int signal_fd, wake_fd;
        pthread_mutex_t lock;
        pthread_cond_t changed;
        bool wanted;      /* watch (watcher_start) or park (watcher_stop) */
        bool reading;     /* the thread may read signal_fd now */
        atomic_int taken; /* the first signal, held by the thread */
} watcher = {.signal_fd = -1,
             .wake_fd = -1,
             .lock = PTHREAD_MUTEX_INITIALIZER,
             .changed = PTHREAD_COND_INITIALIZER};

/* One held signal read while watching: the first is kept, the second ends
 * the process. */
static void watcher_take(void)
{
        struct signalfd_siginfo info;
        ssize_t ignored;

        if (read(watcher.signal_fd, &info, sizeof(info)) != sizeof(info))
                return;
        if (atomic_load(&watcher.taken) == 0) {
                atomic_store(&watcher.taken, (int)info.ssi_signo);
                return;
        }
        ignored = write(STDERR_FILENO, second_signal_message, strlen(second_signal_message));
        (void)ignored;
        _exit(timeout_exit_code);
}

static void *watch_signals(void *unused)
{
        sigset_t set;

        (void)unused;
        held_set(&set);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        pthread_mutex_lock(&watcher.lock);
        for (;;) {
                struct pollfd fds[2] = {{.fd = watcher.signal_fd, .events = POLLIN},
                                        {.fd = watcher.wake_fd, .events = POLLIN}};
                uint64_t count;
                ssize_t ignored = 0;

                while (!watcher.wanted)
                        pthread_cond_wait(&watcher.changed, &watcher.lock);
                watcher.reading = true;
                pthread_mutex_unlock(&watcher.lock);
                if (poll(fds, 2, -1) > 0) {
                        if (fds[1].revents & POLLIN)
                                ignored = read(watcher.wake_fd, &count, sizeof(count));
                        else if (fds[0].revents & POLLIN)
                                watcher_take();
                }
                (void)ignored;
                pthread_mutex_lock(&watcher.lock);
                if (!watcher.wanted) {
                        watcher.reading = false;
                        pthread_cond_broadcast(&watcher.changed);
                }
        }
        return NULL;
}

static bool watcher_make(void)
{
        sigset_t set;

        held_set(&set);
        watcher.signal_fd = signalfd(-1, &set, SFD_CLOEXEC);
        watcher.wake_fd = eventfd(0, EFD_CLOEXEC);
        if (watcher.signal_fd >= 0 && watcher.wake_fd >= 0 &&
            pthread_create(&watcher.thread, NULL, watch_signals, NULL) == 0) {
                pthread_detach(watcher.thread);
                return watcher.made = true;
        }
        /* Without the thread, a signal is held as before: only the timeout
         * ends a TPM that does not answer. */
        if (watcher.signal_fd >= 0)
                close(watcher.signal_fd);
        if (watcher.wake_fd >= 0)
                close(watcher.wake_fd);
        watcher.signal_fd = watcher.wake_fd = -1;
        return false;
}

static void watcher_start(void)
{
        pthread_mutex_lock(&watcher.lock);
        if (watcher.made || watcher_make()) {
                watcher.wanted = true;
                pthread_cond_broadcast(&watcher.changed);
        }
        pthread_mutex_unlock(&watcher.lock);
}

/* Parks the thread, and waits until it reads no more signals. */
static void watcher_stop(void)
{
        uint64_t one = 1;
        ssize_t ignored;
        int taken;

        pthread_mutex_lock(&watcher.lock);
        if (!watcher.made || !watcher.wanted) {
                pthread_mutex_unlock(&watcher.lock);
                return;
        }
        watcher.wanted = false;
        ignored = write(watcher.wake_fd, &one, sizeof(one));
        (void)ignored;
        while (watcher.reading)
                pthread_cond_wait(&watcher.changed, &watcher.lock);
        pthread_mutex_unlock(&watcher.lock);
        /* Pending again, for signals_release() or signal_pending(). */
        if ((taken = atomic_exchange(&watcher.taken, 0)))
                kill(getpid(), taken);
}

void watchdog_start(const char *command, unsigned seconds, int exit_code, const char *what)
{
        struct sigaction sa;

        snprintf(timeout_message, sizeof(timeout_message), "tpmctl: %s: %s\n", command, what);
        snprintf(second_signal_message, sizeof(second_signal_message),
                 "tpmctl: %s: interrupted twice: stopped waiting for the TPM; what it holds "
                 "loaded goes with `tpmctl flush` once it answers\n",
                 command);
        timeout_exit_code = exit_code;
        timeout_seconds = seconds;
        watcher_start();
        if (!seconds)
                return;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_alarm;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGALRM, &sa, NULL);
        alarm(seconds);
}

void watchdog_stop(void)
{
        alarm(0);
        timeout_seconds = 0;
        watcher_stop();
}

void watchdog_kick(void)
{
        if (timeout_seconds)
                alarm(timeout_seconds);
}

/* A password prompt lets the signals through to end the prompt: the thread
 * would take the first one instead, so it stops meanwhile (and gives back a
 * signal it took, which then ends the prompt at once). */
static bool watcher_paused;

void watchdog_pause(void)
{
        paused_remaining = alarm(0);
        watcher_paused = watcher.wanted;
        watcher_stop();
}

void watchdog_resume(void)
{
        if (paused_remaining)
                alarm(paused_remaining);
        paused_remaining = 0;
        if (watcher_paused)
                watcher_start();
        watcher_paused = false;
}

static const int held_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void held_set(sigset_t *set)
{
        sigemptyset(set);
        for (size_t i = 0; i < sizeof(held_signals) / sizeof(held_signals[0]); i++)
                sigaddset(set, held_signals[i]);
}

/* Blocked, not caught: a caught signal interrupts the TCTI's poll() even
 * with SA_RESTART, and FAPI then fails with objects still loaded. A blocked
 * signal stays pending and ends the process, as its sender asked, once
 * signals_release() unblocks it after the cleanup. */
void signals_hold(void)
{
        sigset_t set;

        held_set(&set);
        sigprocmask(SIG_BLOCK, &set, NULL);
}

void signals_release(void)
{
        sigset_t set;

        held_set(&set);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int signal_pending(void)
{
        sigset_t pending;
        int taken = atomic_load(&watcher.taken);

        if (taken)
                return taken;
        sigpending(&pending);
        for (size_t i = 0; i < sizeof(held_signals) / sizeof(held_signals[0]); i++)
                if (sigismember(&pending, held_signals[i]))
                        return held_signals[i];
        return 0;
}
