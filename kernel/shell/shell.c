#include <stdio.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/shell/lineedit.h"
#include "kernel/shell/shell.h"

#define SHELL_MAX_TABLES 16

static struct {
	const struct shell_cmd *cmds;
	int n;
} tables[SHELL_MAX_TABLES];
static int ntables;

void shell_register(const struct shell_cmd *cmds, int n)
{
	if (ntables < SHELL_MAX_TABLES) {
		tables[ntables].cmds = cmds;
		tables[ntables].n = n;
		ntables++;
	}
}

static const struct shell_cmd *lookup(const char *name)
{
	for (int t = 0; t < ntables; t++)
		for (int i = 0; i < tables[t].n; i++)
			if (strcmp(tables[t].cmds[i].name, name) == 0)
				return &tables[t].cmds[i];
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (int t = 0; t < ntables; t++)
		for (int i = 0; i < tables[t].n; i++)
			printf("%-32s %s\n", tables[t].cmds[i].usage,
			       tables[t].cmds[i].help);
	return 0;
}

static const struct shell_cmd help_cmd[] = {
	{ "help", "help", "list the commands", cmd_help },
};

int shell_exec(char *line)
{
	char *argv[SHELL_MAX_ARGS + 1];
	int argc = cmdline_split(line, argv, SHELL_MAX_ARGS);

	if (argc < 0) {
		printf("kite: unmatched quote or more than %d words\n",
		       SHELL_MAX_ARGS);
		return 2;
	}
	if (argc == 0)
		return 0;
	argv[argc] = NULL;
	const struct shell_cmd *cmd = lookup(argv[0]);
	if (!cmd) {
		printf("kite: %s: command not found\n", argv[0]);
		return 127;
	}
	return cmd->fn(argc, argv);
}

static void echo(void *arg, const char *s, size_t n)
{
	(void)arg;
	console_write(s, n);
}

void shell_run(void)
{
	static struct lineedit le;

	shell_register(help_cmd, 1);
	cmd_sys_init();
	selftest_init();
	cmd_net_init();
	cmd_pci_init();
	cmd_ping_init();
	cmd_nc_init();
	cmd_ss_init();
	cmd_sysctl_init();
	cmd_netsink_init();
	lineedit_init(&le, echo, NULL);
	for (;;) {
		printf("%s", SHELL_PROMPT);
		fflush(stdout);
		lineedit_reset(&le);
		enum lineedit_result r;
		while ((r = lineedit_feed(&le, (char)console_getc())) == LINE_MORE)
			;
		if (r == LINE_DONE) {
			char line[LINE_MAX_LEN + 1];
			strcpy(line, lineedit_line(&le));
			shell_exec(line);
			fflush(stdout);
		}
	}
}
