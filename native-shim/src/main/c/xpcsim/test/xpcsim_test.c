/*
 * xpcsim-test ROOT LAUNCHD: pins the semantics of docs/native-shim.md "The libxpc simulator" (one
 * check per rule of shared/design/XPC-SEMANTICS.md), run by the Maven build. It starts its own
 * simulated launchd for ROOT. Misuse that must crash is run in a forked child.
 * Internal modes: "serve NAME" (a launchd job: echoes, replies with its pid, exits on "exit").
 */
#define _GNU_SOURCE
#include <Block.h>
#include <dispatch/dispatch.h>
#include <xpc/xpc.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../sim.h"

static int passed, failed;
#define CHECK(cond, name) do { if (cond) { passed++; printf("ok - %s\n", name); } else { failed++; printf("not ok - %s (%s:%d)\n", name, __FILE__, __LINE__); } fflush(stdout); } while (0)

/* A one-shot event with a timeout, for waiting on handlers. */
struct signal { pthread_mutex_t m; pthread_cond_t c; int n; };
#define SIGNAL_INIT {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0}
static void post(struct signal *s) { pthread_mutex_lock(&s->m); s->n++; pthread_cond_broadcast(&s->c); pthread_mutex_unlock(&s->m); }
static int await_n(struct signal *s, int n, int ms) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
    pthread_mutex_lock(&s->m);
    while (s->n < n) if (pthread_cond_timedwait(&s->c, &s->m, &ts) != 0) break;
    int ok = s->n >= n;
    pthread_mutex_unlock(&s->m);
    return ok;
}

static char self_exe[512];

/* Runs "xpcsim-test misuse NAME" (a fresh process: a fork of this threaded one could not start
 * threads); true when it died of SIGABRT having printed expect on stderr. */
static int aborts_with(const char *misuse, const char *expect) {
    int p[2];
    if (pipe(p) != 0) return 0;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 2);
        execl(self_exe, self_exe, "misuse", misuse, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    char buf[2048] = "";
    size_t used = 0;
    ssize_t n;
    while ((n = read(p[0], buf + used, sizeof buf - 1 - used)) > 0) used += (size_t)n;
    buf[used] = '\0';
    close(p[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && strstr(buf, expect) != NULL;
}

/* ---- dispatch ---- */
static void sync_on_own_queue(void) {
    dispatch_queue_t q = dispatch_queue_create("own", DISPATCH_QUEUE_SERIAL);
    dispatch_sync(q, ^{ dispatch_sync(q, ^{}); });
}

static void test_dispatch(void) {
    dispatch_queue_t conc = dispatch_queue_create("conc", DISPATCH_QUEUE_CONCURRENT);
    dispatch_queue_t q = dispatch_queue_create("serial", DISPATCH_QUEUE_SERIAL);
    dispatch_set_target_queue(q, conc);
    __block int next = 0, bad = 0;
    __block atomic_int inside = 0;
    struct signal *done = calloc(1, sizeof *done);
    *done = (struct signal)SIGNAL_INIT;
    for (int i = 0; i < 200; i++) {
        dispatch_async(q, ^{
          if (atomic_fetch_add(&inside, 1) != 0) bad = 1;
          if (next != i) bad = 1;
          next++;
          usleep(50);
          atomic_fetch_sub(&inside, 1);
          if (i == 199) post(done);
        });
    }
    CHECK(await_n(done, 1, 10000) && !bad, "a serial queue runs its items one at a time, in order, on a concurrent target");
    CHECK(aborts_with("sync_on_own_queue", "dispatch_sync called on queue already owned by current thread"),
          "dispatch_sync on the queue the thread is draining crashes instead of hanging");
}

/* ---- XPC, in one process (anonymous listener) ---- */
static xpc_connection_t listen_anon(dispatch_queue_t peer_q, xpc_handler_t on_message, struct signal *peer_invalid) {
    xpc_connection_t l = xpc_connection_create(NULL, NULL);
    xpc_handler_t msg = Block_copy(on_message);
    xpc_connection_set_event_handler(l, ^(xpc_object_t peer) {
      if (xpc_get_type(peer) != XPC_TYPE_CONNECTION) return;
      xpc_retain(peer);
      if (peer_q != NULL) xpc_connection_set_target_queue(peer, peer_q);
      xpc_connection_set_event_handler(peer, ^(xpc_object_t ev) {
        if (ev == XPC_ERROR_CONNECTION_INVALID) {
            if (peer_invalid != NULL) post(peer_invalid);
            xpc_release(peer);
        } else if (xpc_get_type(ev) == XPC_TYPE_DICTIONARY) {
            msg(ev);
        }
      });
      xpc_connection_resume(peer);
    });
    xpc_connection_resume(l);
    return l;
}

static xpc_connection_t client_of(xpc_connection_t listener, xpc_handler_t handler) {
    xpc_endpoint_t ep = xpc_endpoint_create(listener);
    xpc_connection_t c = xpc_connection_create_from_endpoint(ep);
    xpc_release(ep);
    xpc_connection_set_event_handler(c, handler);
    return c;
}

static void over_resume(void) {
    xpc_connection_t c = xpc_connection_create_mach_service("com.example.none", NULL, 0);
    xpc_connection_set_event_handler(c, ^(xpc_object_t e) { (void)e; });
    xpc_connection_resume(c);
    xpc_connection_resume(c);
}

static void sync_in_handler(void) {
    xpc_connection_t l = listen_anon(NULL, ^(xpc_object_t m) {
      xpc_object_t r = xpc_dictionary_create_reply(m);
      xpc_connection_send_message(xpc_dictionary_get_remote_connection(m), r);
      xpc_release(r);
    }, NULL);
    __block xpc_connection_t c = NULL;
    struct signal *s = calloc(1, sizeof *s);
    *s = (struct signal)SIGNAL_INIT;
    c = client_of(l, ^(xpc_object_t e) { (void)e; });
    xpc_connection_resume(c);
    xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
    xpc_connection_send_message_with_reply(c, m, NULL, ^(xpc_object_t r) {
      (void)r;
      xpc_connection_send_message_with_reply_sync(c, m); /* on the connection's own queue */
      post(s);
    });
    await_n(s, 1, 10000);
}

static void test_xpc_local(void) {
    /* Order, exclusivity, fds, reply contexts, credentials. */
    dispatch_queue_t conc = dispatch_queue_create("peers", DISPATCH_QUEUE_CONCURRENT);
    __block int64_t expect = 0;
    __block int bad = 0, reply_plain = -1, reply_wanted = -1, fd_ok = 0, missing_fd = 0;
    __block atomic_int inside = 0;
    struct signal *got = calloc(1, sizeof *got), *peer_invalid = calloc(1, sizeof *peer_invalid);
    *got = (struct signal)SIGNAL_INIT;
    *peer_invalid = (struct signal)SIGNAL_INIT;
    __block pid_t seen_pid = 0;
    xpc_connection_t l = listen_anon(conc, ^(xpc_object_t m) {
      if (atomic_fetch_add(&inside, 1) != 0) bad = 1;
      int64_t seq = xpc_dictionary_get_int64(m, "seq");
      if (seq >= 0) {
          if (seq != expect) bad = 1;
          expect++;
          usleep(20);
      }
      xpc_object_t r = xpc_dictionary_create_reply(m);
      if (seq == -1) reply_plain = r != NULL;
      if (seq == -2) {
          reply_wanted = r != NULL;
          int fd = xpc_dictionary_dup_fd(m, "fd");
          missing_fd = xpc_dictionary_dup_fd(m, "nothing") == -1;
          fd_ok = fd >= 0 && write(fd, "x", 1) == 1;
          if (fd >= 0) close(fd);
          seen_pid = xpc_connection_get_pid(xpc_dictionary_get_remote_connection(m));
          xpc_connection_send_message(xpc_dictionary_get_remote_connection(m), r);
      }
      if (r != NULL) xpc_release(r);
      atomic_fetch_sub(&inside, 1);
      post(got);
    }, peer_invalid);
    xpc_connection_t c = client_of(l, ^(xpc_object_t e) { (void)e; });
    /* Sent before resume: queued, not lost. */
    for (int i = 0; i < 100; i++) {
        xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
        xpc_dictionary_set_int64(m, "seq", i);
        xpc_connection_send_message(c, m);
        xpc_release(m);
    }
    CHECK(!await_n(got, 1, 200), "a connection sends and delivers nothing before xpc_connection_resume");
    xpc_connection_resume(c);
    CHECK(await_n(got, 100, 10000) && !bad, "one handler at a time, in the order sent, even on a concurrent target queue");
    xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
    xpc_dictionary_set_int64(m, "seq", -1);
    xpc_connection_send_message(c, m);
    xpc_release(m);
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    m = xpc_dictionary_create(NULL, NULL, 0);
    xpc_dictionary_set_int64(m, "seq", -2);
    xpc_dictionary_set_fd(m, "fd", p[1]);
    close(p[1]); /* set_fd duplicated it */
    xpc_object_t r = xpc_connection_send_message_with_reply_sync(c, m);
    xpc_release(m);
    char ch = 0;
    CHECK(xpc_get_type(r) == XPC_TYPE_DICTIONARY, "send_message_with_reply_sync returns the reply");
    CHECK(reply_plain == 0 && reply_wanted == 1, "xpc_dictionary_create_reply only for a message that expects a reply");
    CHECK(fd_ok && read(p[0], &ch, 1) == 1 && ch == 'x', "set_fd duplicates at insertion, dup_fd hands the receiver a working fd");
    CHECK(missing_fd, "dup_fd of a missing key is -1");
    CHECK(seen_pid == getpid() && xpc_connection_get_euid(c) == geteuid(), "get_pid/get_euid give the peer's credentials");
    xpc_release(r);
    close(p[0]);
    xpc_connection_cancel(c);
    CHECK(await_n(peer_invalid, 1, 10000), "the server-side peer of a cancelled client gets CONNECTION_INVALID");
    CHECK(aborts_with("over_resume", "Over-resume"), "resuming a connection twice crashes");
    CHECK(aborts_with("sync_in_handler", "send_message_with_reply_sync called on the connection's target queue"),
          "send_message_with_reply_sync on the connection's own queue is a deadlock, reported");
}

/* Cancel: the running handler finishes, then one CONNECTION_INVALID, nothing after. */
static void test_cancel(void) {
    struct signal *entered = calloc(1, sizeof *entered), *release = calloc(1, sizeof *release), *finalized = calloc(1, sizeof *finalized);
    *entered = (struct signal)SIGNAL_INIT;
    *release = (struct signal)SIGNAL_INIT;
    *finalized = (struct signal)SIGNAL_INIT;
    __block int messages = 0, invalid = 0, after_invalid = 0, invalid_while_running = 0;
    __block atomic_int running = 0;
    xpc_connection_t l = xpc_connection_create(NULL, NULL);
    xpc_connection_set_event_handler(l, ^(xpc_object_t peer) {
      if (xpc_get_type(peer) != XPC_TYPE_CONNECTION) return;
      xpc_retain(peer);
      xpc_connection_set_context(peer, finalized);
      xpc_connection_set_finalizer_f(peer, (xpc_finalizer_t)post);
      xpc_connection_set_event_handler(peer, ^(xpc_object_t ev) {
        if (invalid) after_invalid++;
        if (ev == XPC_ERROR_CONNECTION_INVALID) {
            if (atomic_load(&running)) invalid_while_running = 1;
            invalid++;
            xpc_release(peer);
            return;
        }
        atomic_store(&running, 1);
        if (messages++ == 0) {
            post(entered);
            await_n(release, 1, 10000);
            usleep(20000);
        }
        atomic_store(&running, 0);
      });
      xpc_connection_resume(peer);
      /* Cancel the peer from another thread while its first handler runs. */
      dispatch_async(dispatch_get_global_queue(0, 0), ^{
        await_n(entered, 1, 10000);
        xpc_connection_cancel(peer);
        post(release);
      });
    });
    xpc_connection_resume(l);
    xpc_connection_t c = client_of(l, ^(xpc_object_t e) { (void)e; });
    xpc_connection_resume(c);
    for (int i = 0; i < 20; i++) {
        xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
        xpc_connection_send_message(c, m);
        xpc_release(m);
    }
    CHECK(await_n(finalized, 1, 10000), "a cancelled connection is finalized after its last event");
    CHECK(invalid == 1 && after_invalid == 0 && !invalid_while_running && messages >= 1,
          "cancel: the running handler finishes, then exactly one CONNECTION_INVALID, nothing after");
}

/* ---- launchd, named services, code signing ---- */
static const char *root_dir;
static char launchd_sock[256];

static int launchd_request(const char *line, char *answer, size_t cap) {
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, launchd_sock);
    int fd;
    int rc = connect(s, (struct sockaddr *)&sa, sizeof sa) == 0 && xpcsim_send_fd_line(s, line, -1) == 0 &&
             xpcsim_recv_fd_line(s, answer, cap, &fd) == 0 ? 0 : -1;
    close(s);
    return rc == 0 && strncmp(answer, "ok", 2) == 0 ? 0 : -1;
}

static void write_plist(const char *path, const char *label, const char *program, const char *name) {
    FILE *f = fopen(path, "w");
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
               "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n<dict>\n"
               "\t<key>Label</key>\n\t<string>%s</string>\n\t<key>Program</key>\n\t<string>%s</string>\n"
               "\t<key>ProgramArguments</key>\n\t<array>\n\t\t<string>%s</string>\n\t\t<string>serve</string>\n"
               "\t\t<string>%s</string>\n\t</array>\n\t<key>MachServices</key>\n\t<dict>\n\t\t<key>%s</key>\n"
               "\t\t<true/>\n\t</dict>\n</dict>\n</plist>\n", label, program, program, name, name);
    fclose(f);
}

static xpc_object_t request(xpc_connection_t c, const char *op) {
    xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
    xpc_dictionary_set_string(m, "op", op);
    xpc_object_t r = xpc_connection_send_message_with_reply_sync(c, m);
    xpc_release(m);
    return r;
}

static int serve(const char *name) {
    xpc_connection_t l = xpc_connection_create_mach_service(name, NULL, XPC_CONNECTION_MACH_SERVICE_LISTENER);
    xpc_connection_set_event_handler(l, ^(xpc_object_t peer) {
      if (xpc_get_type(peer) != XPC_TYPE_CONNECTION) _exit(7); /* could not check in */
      xpc_retain(peer);
      xpc_connection_set_event_handler(peer, ^(xpc_object_t m) {
        if (xpc_get_type(m) != XPC_TYPE_DICTIONARY) return;
        const char *op = xpc_dictionary_get_string(m, "op");
        if (op != NULL && strcmp(op, "exit") == 0) _exit(0);
        if (op != NULL && strcmp(op, "hang") == 0) return;
        xpc_object_t r = xpc_dictionary_create_reply(m);
        xpc_dictionary_set_int64(r, "pid", getpid());
        xpc_connection_send_message(peer, r);
        xpc_release(r);
      });
      xpc_connection_resume(peer);
    });
    xpc_connection_resume(l);
    for (;;) pause();
}

static void test_named(const char *self) {
    char answer[512], plist[512], line[1024], program[512];
    /* The job's program: a signed copy of this test binary. */
    snprintf(program, sizeof program, "%s/echo-server", root_dir);
    snprintf(line, sizeof line, "cp %s %s", self, program);
    CHECK(system(line) == 0, "copy the server program");
    char err[256];
    CHECK(xpcsim_codesign_sign(program, "com.example.echo", "TEAMAAAAAA", "apple-generic", err, sizeof err) == 0, "sign it");

    struct signal *listener_invalid = calloc(1, sizeof *listener_invalid);
    *listener_invalid = (struct signal)SIGNAL_INIT;
    xpc_connection_t l = xpc_connection_create_mach_service("TEAMAAAAAA.com.example.unloaded", NULL, XPC_CONNECTION_MACH_SERVICE_LISTENER);
    xpc_connection_set_event_handler(l, ^(xpc_object_t e) { if (e == XPC_ERROR_CONNECTION_INVALID) post(listener_invalid); });
    xpc_connection_resume(l);
    CHECK(await_n(listener_invalid, 1, 10000), "listening on a name no loaded job declares: CONNECTION_INVALID");

    struct signal *missing = calloc(1, sizeof *missing);
    *missing = (struct signal)SIGNAL_INIT;
    xpc_connection_t c = xpc_connection_create_mach_service("TEAMAAAAAA.com.example.unloaded", NULL, XPC_CONNECTION_MACH_SERVICE_PRIVILEGED);
    xpc_connection_set_event_handler(c, ^(xpc_object_t e) { if (e == XPC_ERROR_CONNECTION_INVALID) post(missing); });
    xpc_connection_resume(c);
    CHECK(!await_n(missing, 1, 200), "a client of a missing service is created and resumed without error (lazy)");
    xpc_object_t r = request(c, "ping");
    CHECK(r == XPC_ERROR_CONNECTION_INVALID && await_n(missing, 1, 10000),
          "the first send reveals the missing service: INVALID to the reply handler and the event handler");

    snprintf(plist, sizeof plist, "%s/echo.plist", root_dir);
    write_plist(plist, "com.example.echo.helper", program, "TEAMAAAAAA.com.example.echo");
    snprintf(line, sizeof line, "bootstrap %s\n", plist);
    CHECK(launchd_request(line, answer, sizeof answer) == 0, "bootstrap the job's plist");
    CHECK(launchd_request("print com.example.echo.helper\n", answer, sizeof answer) == 0 && strstr(answer, "state=waiting") != NULL,
          "a loaded job does not run until a client needs it");

    struct signal *interrupted = calloc(1, sizeof *interrupted), *not_job = calloc(1, sizeof *not_job);
    *interrupted = (struct signal)SIGNAL_INIT;
    *not_job = (struct signal)SIGNAL_INIT;
    xpc_connection_t thief = xpc_connection_create_mach_service("TEAMAAAAAA.com.example.echo", NULL, XPC_CONNECTION_MACH_SERVICE_LISTENER);
    xpc_connection_set_event_handler(thief, ^(xpc_object_t e) { if (e == XPC_ERROR_CONNECTION_INVALID) post(not_job); });
    xpc_connection_resume(thief);
    CHECK(await_n(not_job, 1, 10000), "only the process launchd started for the job may listen on its name");

    c = xpc_connection_create_mach_service("TEAMAAAAAA.com.example.echo", NULL, XPC_CONNECTION_MACH_SERVICE_PRIVILEGED);
    xpc_connection_set_event_handler(c, ^(xpc_object_t e) { if (e == XPC_ERROR_CONNECTION_INTERRUPTED) post(interrupted); });
    CHECK(xpc_connection_set_peer_code_signing_requirement(c, "anchor apple generic and (((") == EINVAL,
          "a requirement that does not compile is EINVAL");
    CHECK(xpc_connection_set_peer_code_signing_requirement(c,
              "anchor apple generic and identifier \"com.example.echo\" and certificate leaf[subject.OU] = \"TEAMAAAAAA\"") == 0,
          "a requirement in the supported language is accepted");
    xpc_connection_resume(c);
    r = request(c, "ping");
    int64_t pid1 = xpc_get_type(r) == XPC_TYPE_DICTIONARY ? xpc_dictionary_get_int64(r, "pid") : -1;
    CHECK(pid1 > 0, "the first send launches the job on demand, and the service answers");
    CHECK(xpc_connection_get_pid(c) == pid1, "get_pid is the service's pid as of its last message");
    /* A pending reply when the service exits gets INTERRUPTED; the connection stays usable. */
    __block xpc_object_t hung = NULL;
    struct signal *hung_done = calloc(1, sizeof *hung_done);
    *hung_done = (struct signal)SIGNAL_INIT;
    xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
    xpc_dictionary_set_string(m, "op", "hang");
    xpc_connection_send_message_with_reply(c, m, NULL, ^(xpc_object_t rr) { hung = rr; post(hung_done); });
    xpc_release(m);
    m = xpc_dictionary_create(NULL, NULL, 0);
    xpc_dictionary_set_string(m, "op", "exit");
    xpc_connection_send_message(c, m);
    xpc_release(m);
    CHECK(await_n(interrupted, 1, 10000), "the service's exit is CONNECTION_INTERRUPTED for a named service's client");
    CHECK(await_n(hung_done, 1, 10000) && hung == XPC_ERROR_CONNECTION_INTERRUPTED, "a pending reply handler gets INTERRUPTED");
    r = request(c, "ping");
    int64_t pid2 = xpc_get_type(r) == XPC_TYPE_DICTIONARY ? xpc_dictionary_get_int64(r, "pid") : -1;
    CHECK(pid2 > 0 && pid2 != pid1, "the next send relaunches the service through launchd");

    xpc_connection_t strict = xpc_connection_create_mach_service("TEAMAAAAAA.com.example.echo", NULL, 0);
    xpc_connection_set_event_handler(strict, ^(xpc_object_t e) { (void)e; });
    xpc_connection_set_peer_code_signing_requirement(strict, "anchor apple generic and certificate leaf[subject.OU] = \"TEAMBBBBBB\"");
    xpc_connection_resume(strict);
    r = request(strict, "ping");
    CHECK(r == XPC_ERROR_PEER_CODE_SIGNING_REQUIREMENT, "a reply from a peer of another team: PEER_CODE_SIGNING_REQUIREMENT instead");

    CHECK(launchd_request("bootout com.example.echo.helper\n", answer, sizeof answer) == 0, "bootout");
    struct signal *gone = calloc(1, sizeof *gone);
    *gone = (struct signal)SIGNAL_INIT;
    xpc_connection_t after = xpc_connection_create_mach_service("TEAMAAAAAA.com.example.echo", NULL, 0);
    xpc_connection_set_event_handler(after, ^(xpc_object_t e) { if (e == XPC_ERROR_CONNECTION_INVALID) post(gone); });
    xpc_connection_resume(after);
    r = request(after, "ping");
    CHECK(r == XPC_ERROR_CONNECTION_INVALID, "after bootout the name no longer exists");
}

/* ---- Security on files ---- */
static void test_static_code(void) {
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/signed-file", root_dir);
    FILE *f = fopen(path, "w");
    fputs("#!/bin/sh\nexec true\n", f);
    fclose(f);
    struct xpcsim_signature sig;
    char why[128];
    struct xpcsim_requirement *req = xpcsim_requirement_compile(
        "anchor apple generic and (identifier \"com.coder.cli\" or identifier other) and certificate leaf[subject.OU] = \"TEAMAAAAAA\"", why, sizeof why);
    int fd = open(path, O_RDONLY);
    xpcsim_read_signature(fd, &sig);
    close(fd);
    CHECK(req != NULL && !sig.signed_ && !xpcsim_requirement_check(req, &sig), "an unsigned file satisfies nothing");
    xpcsim_codesign_sign(path, "com.coder.cli", "TEAMAAAAAA", "apple-generic", err, sizeof err);
    fd = open(path, O_RDONLY);
    xpcsim_read_signature(fd, &sig);
    close(fd);
    CHECK(sig.signed_ && sig.intact && xpcsim_requirement_check(req, &sig), "a signed file satisfies its team's requirement");
    xpcsim_codesign_sign(path, "com.coder.cli", "TEAMBBBBBB", "apple-generic", err, sizeof err);
    fd = open(path, O_RDONLY);
    xpcsim_read_signature(fd, &sig);
    close(fd);
    CHECK(sig.intact && !xpcsim_requirement_check(req, &sig), "re-signed by another team it does not");
    xpcsim_codesign_sign(path, "com.coder.cli", "TEAMAAAAAA", "adhoc", err, sizeof err);
    fd = open(path, O_RDONLY);
    xpcsim_read_signature(fd, &sig);
    close(fd);
    CHECK(!xpcsim_requirement_check(req, &sig), "an ad-hoc signature has no Apple anchor and no certificate");
    xpcsim_codesign_sign(path, "com.coder.cli", "TEAMAAAAAA", "apple-generic", err, sizeof err);
    fd = open(path, O_RDWR);
    CHECK(pwrite(fd, "#", 1, 1) == 1, "modify the signed content");
    xpcsim_read_signature(fd, &sig);
    close(fd);
    CHECK(sig.signed_ && !sig.intact && !xpcsim_requirement_check(req, &sig), "a signed file modified afterwards fails validation");
    xpcsim_requirement_free(req);
    CHECK(xpcsim_requirement_compile("anchor apple generic or", why, sizeof why) == NULL &&
          xpcsim_requirement_compile("entitlement [\"x\"] exists", why, sizeof why) == NULL,
          "requirements outside the simulated subset do not compile");
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "serve") == 0) return serve(argv[2]);
    if (argc == 3 && strcmp(argv[1], "misuse") == 0) {
        if (strcmp(argv[2], "sync_on_own_queue") == 0) sync_on_own_queue();
        if (strcmp(argv[2], "over_resume") == 0) over_resume();
        if (strcmp(argv[2], "sync_in_handler") == 0) sync_in_handler();
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: xpcsim-test ROOT LAUNCHD\n");
        return 2;
    }
    root_dir = argv[1];
    mkdir(root_dir, 0755);
    setenv("XPCSIM_ROOT", root_dir, 1);
    snprintf(launchd_sock, sizeof launchd_sock, "%s/launchd.sock", root_dir);
    int p[2];
    if (pipe(p) != 0) return 2;
    pid_t launchd = fork();
    if (launchd == 0) {
        dup2(p[1], 1);
        execl(argv[2], argv[2], root_dir, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    char ready[16] = "";
    if (read(p[0], ready, sizeof ready - 1) <= 0 || strncmp(ready, "ready", 5) != 0) {
        fprintf(stderr, "xpcsim-test: launchd did not start\n");
        return 2;
    }
    ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    self_exe[n > 0 ? n : 0] = '\0';
    test_dispatch();
    test_xpc_local();
    test_cancel();
    test_static_code();
    test_named(self_exe);
    kill(launchd, SIGTERM);
    waitpid(launchd, NULL, 0);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
