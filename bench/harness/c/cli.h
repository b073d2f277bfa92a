/* Option parsing shared by the thb subcommands: every option is "--name value". */
#ifndef THB_CLI_H
#define THB_CLI_H

typedef struct {
    int argc;
    char **argv;
} args_t;

/* The value of --name, or `fallback` when absent (NULL fallback: required, dies naming it). */
const char *opt(const args_t *a, const char *name, const char *fallback);
unsigned long opt_num(const args_t *a, const char *name, const char *fallback, unsigned long min, unsigned long max);
/* Dies on an option not in the NULL-terminated `known` list, or one without a value. */
void opts_check(const args_t *a, const char *const *known);

int cmd_relay(const args_t *a);
int cmd_direct_start(const args_t *a);
int cmd_getpeer(const args_t *a);
int cmd_ping(const args_t *a);
int cmd_subscribers(const args_t *a);
int cmd_fanout_raw(const args_t *a);
int cmd_stalled(const args_t *a);
int cmd_ext(const args_t *a);
int cmd_fetch(const args_t *a);
int cmd_sha256(const args_t *a);
int cmd_launch(const args_t *a);
int cmd_timecmd(const args_t *a);
int cmd_hog(const args_t *a);

#endif
