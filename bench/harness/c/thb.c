/*
 * thb: the benchmark suite's C side (bench/suite runs it; docs/performance.md describes each
 * subcommand's role). One binary, one subcommand per measurement or baseline; results are
 * "key value..." lines on stdout, errors on stderr with a non-zero exit status.
 */
#include "cli.h"
#include "wire.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

const char *opt(const args_t *a, const char *name, const char *fallback) {
    for (int i = 0; i + 1 < a->argc; i += 2) {
        if (strcmp(a->argv[i], name) == 0) {
            return a->argv[i + 1];
        }
    }
    if (!fallback) {
        die("missing option %s", name);
    }
    return fallback;
}

unsigned long opt_num(const args_t *a, const char *name, const char *fallback, unsigned long min, unsigned long max) {
    return parse_ulong(opt(a, name, fallback), name, min, max);
}

void opts_check(const args_t *a, const char *const *known) {
    for (int i = 0; i < a->argc; i += 2) {
        int ok = 0;
        for (const char *const *k = known; *k; k++) {
            ok |= strcmp(a->argv[i], *k) == 0;
        }
        if (!ok) {
            die("unknown option \"%s\"", a->argv[i]);
        }
        if (i + 1 >= a->argc) {
            die("option %s needs a value", a->argv[i]);
        }
    }
}

static const struct {
    const char *name;
    int (*run)(const args_t *);
    const char *usage;
} commands[] = {
    {"relay", cmd_relay, "--socket S --binary TUNNEL [--control C]: the two-hop floor's relay"},
    {"direct-start", cmd_direct_start, "--binary TUNNEL [--runs N] [--control C]: spawn + handshake + start, timed"},
    {"getpeer", cmd_getpeer, "--socket S [--warmup W] [--samples N]: GetPeerState round trips"},
    {"ping", cmd_ping, "--socket S: one Ping on the app endpoint"},
    {"subscribers", cmd_subscribers, "--socket S --control C [--count K] [--agents N] [--updates U --interval-ms I]: fan-out"},
    {"fanout-raw", cmd_fanout_raw, "[--count K] [--agents N]: raw writes of one update to K sockets"},
    {"stalled", cmd_stalled, "--socket S --control C --helper-pid P --jcmd J [--agents N] [--updates U] [--heap-every E]"},
    {"ext", cmd_ext, "--socket S --url U [--runs N | --hold yes]: the network extension's side of StartDaemon"},
    {"fetch", cmd_fetch, "--url http://H:P/PATH --out FILE: download, then SHA-256 of the file"},
    {"sha256", cmd_sha256, "--file F: SHA-256 of a file, timed"},
    {"launch", cmd_launch, "--app-socket S --log F -- CMD...: start the helper, time it until app.sock answers"},
    {"timecmd", cmd_timecmd, "[--runs N] -- CMD...: wall time of whole command runs"},
    {"hog", cmd_hog, ": spin on one CPU until killed"},
};

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 2) {
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
            if (strcmp(argv[1], commands[i].name) == 0) {
                static char program[64];
                snprintf(program, sizeof program, "thb %s", commands[i].name);
                thb_program = program;
                args_t a = {argc - 2, argv + 2};
                return commands[i].run(&a);
            }
        }
    }
    fprintf(stderr, "usage: thb COMMAND [OPTIONS]\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        fprintf(stderr, "  %-13s %s\n", commands[i].name, commands[i].usage);
    }
    return 2;
}
