/*
 * The console shell: reads lines with the line editor, splits them into
 * words and runs the named command. Commands print with stdio (stdout is
 * the console) and return 0 on success, non-zero on failure.
 */
#ifndef KITE_SHELL_H
#define KITE_SHELL_H

#define SHELL_PROMPT	"kite> "
#define SHELL_MAX_ARGS	16

struct shell_cmd {
	const char *name;
	const char *usage;	/* "ping [-c N] HOST" */
	const char *help;	/* one line */
	int (*fn)(int argc, char **argv);
};

/* Add commands; the table must outlive the shell. */
void shell_register(const struct shell_cmd *cmds, int n);
/* Run one command line (for the shell and for tests). Returns the
 * command's status; 127 for an unknown command. */
int shell_exec(char *line);
/* The shell loop; never returns. */
void shell_run(void) __attribute__((noreturn));

/* Register the commands of kernel/shell/cmd_*.c and selftest.c. */
void cmd_sys_init(void);
void selftest_init(void);
void cmd_net_init(void);
void cmd_pci_init(void);
void cmd_ping_init(void);
void cmd_nc_init(void);
void cmd_netsink_init(void);
void cmd_ss_init(void);
void cmd_sysctl_init(void);

#endif
