/* A stand-in tunnel binary that reports what it inherited: its fds (with their targets),
 * its working directory, its environment and argv, into REPORT (baked in at compile time), then exits.
 * `version --output=json` answers like the real binary so the helper's probe passes. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "version") == 0) {
        printf("{\"version\":\"%s\"}\n", VERSION);
        return 0;
    }
    DIR *d = opendir("/proc/self/fd");
    if (!d) return 2;
    char lines[8192] = "";
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d)) continue;
        char path[64], target[256];
        snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
        ssize_t n = readlink(path, target, sizeof target - 1);
        target[n < 0 ? 0 : n] = 0;
        char line[320];
        snprintf(line, sizeof line, "fd %s %s\n", e->d_name, target);
        strncat(lines, line, sizeof lines - strlen(lines) - 1);
    }
    closedir(d);
    FILE *out = fopen(REPORT, "w");
    if (!out) return 3;
    fputs(lines, out);
    char cwd[4096];
    fprintf(out, "cwd %s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
    for (char **v = environ; *v; v++) fprintf(out, "env %s\n", *v);
    for (int i = 0; i < argc; i++) fprintf(out, "arg %s\n", argv[i]);
    fclose(out);
    return 0;
}
