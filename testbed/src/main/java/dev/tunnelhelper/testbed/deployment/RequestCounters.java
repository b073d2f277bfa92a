package dev.tunnelhelper.testbed.deployment;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests seen per path and responses sent per path and status, so tests can tell a cache hit
 * (304) from a download. A response is counted before its status line goes out, so a client that
 * has received it always sees it counted.
 */
public final class RequestCounters {

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, LongAdder>> responses = new ConcurrentHashMap<>();

    void recordRequest(String path) {
        requests.computeIfAbsent(path, p -> new LongAdder()).increment();
    }

    void recordResponse(String path, int status) {
        responses
                .computeIfAbsent(path, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(status, s -> new LongAdder())
                .increment();
    }

    /** Requests received for {@code path} (exact path, without query). */
    public long requestCount(String path) {
        LongAdder count = requests.get(path);
        return count == null ? 0 : count.sum();
    }

    /** Requests received for any path. */
    public long totalRequests() {
        return requests.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Responses with {@code status} sent for {@code path}. */
    public long responseCount(String path, int status) {
        Map<Integer, LongAdder> byStatus = responses.get(path);
        LongAdder count = byStatus == null ? null : byStatus.get(status);
        return count == null ? 0 : count.sum();
    }

    /** Responses with {@code status} sent for any path. */
    public long responseCount(int status) {
        return responses.values().stream()
                .map(byStatus -> byStatus.get(status))
                .filter(count -> count != null)
                .mapToLong(LongAdder::sum)
                .sum();
    }

    public void reset() {
        requests.clear();
        responses.clear();
    }
}
