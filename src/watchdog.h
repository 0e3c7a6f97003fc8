/* Bounds on a command's TPM work: a TPM that stops answering ends tpmctl with
 * exit 7 instead of a hang, and SIGINT/SIGTERM wait until what tpmctl loaded
 * into the TPM has been flushed. */
#pragma once

#include <stdbool.h>

/* Arms the timer: if `seconds` pass before watchdog_stop(), prints
 * "tpmctl: COMMAND: WHAT" and exits with exit_code. 0 seconds: no timer.
 * Until watchdog_stop(), a second held signal (signals_hold()) also ends
 * the process with exit_code, timer or not: the first one stays held. */
void watchdog_start(const char *command, unsigned seconds, int exit_code, const char *what);
void watchdog_stop(void);

/* Starts the timer again: between the TPM commands of a long job (random
 * bytes in chunks), so that --timeout bounds each command, not the job. */
void watchdog_kick(void);

/* Pauses the timer while tpmctl waits for a person (a password prompt). */
void watchdog_pause(void);
void watchdog_resume(void);

/* From here until signals_release(), SIGINT, SIGTERM and SIGHUP are held:
 * the TPM command under way finishes and tpmctl cleans up first. */
void signals_hold(void);
/* Lets held signals through; one that came meanwhile ends the process now. */
void signals_release(void);
/* The held signal, or 0. */
int signal_pending(void);
