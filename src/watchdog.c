/* Bounds on a command's TPM work: a TPM that stops answering ends tpmctl with
 * exit 7 instead of a hang, and SIGINT/SIGTERM wait until what tpmctl loaded
 * into the TPM has been flushed. */
#include "watchdog.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char timeout_message[512];
static char remove_path[4096];
static int timeout_exit_code;
static unsigned timeout_seconds;
static unsigned paused_remaining;

/* Async-signal-safe: write, unlink and _exit only. */
static void on_alarm(int sig)
{
        ssize_t ignored;

        (void)sig;
        if (remove_path[0])
                unlink(remove_path);
        ignored = write(STDERR_FILENO, timeout_message, strlen(timeout_message));
        (void)ignored;
        _exit(timeout_exit_code);
}

void watchdog_start(const char *command, unsigned seconds, int exit_code, const char *what)
{
        struct sigaction sa;

        snprintf(timeout_message, sizeof(timeout_message), "tpmctl: %s: %s\n", command, what);
        timeout_exit_code = exit_code;
        timeout_seconds = seconds;
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
}

void watchdog_kick(void)
{
        if (timeout_seconds)
                alarm(timeout_seconds);
}

void watchdog_pause(void)
{
        paused_remaining = alarm(0);
}

void watchdog_resume(void)
{
        if (paused_remaining)
                alarm(paused_remaining);
        paused_remaining = 0;
}

void watchdog_remove_on_timeout(const char *path)
{
        snprintf(remove_path, sizeof(remove_path), "%s", path ? path : "");
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

        sigpending(&pending);
        for (size_t i = 0; i < sizeof(held_signals) / sizeof(held_signals[0]); i++)
                if (sigismember(&pending, held_signals[i]))
                        return held_signals[i];
        return 0;
}
