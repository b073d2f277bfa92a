package dev.tunnelhelper.bench.harness;

/**
 * What the GetPeerState, ping and fan-out rows share: a helper with a running session against
 * the small deployment, and the two-hop floor, both tunnels holding the same number of agents.
 */
final class LiveSession implements AutoCloseable {
    final Helper helper;
    final Floor floor;
    private final Session session;
    private final Work work;
    private int agents = -1;

    private LiveSession(Work work, Helper helper, Session session, Floor floor) {
        this.work = work;
        this.helper = helper;
        this.session = session;
        this.floor = floor;
    }

    static LiveSession start(Work work) {
        Deployment deployment = work.smallDeployment();
        Helper helper = Helper.launch(work, deployment);
        Session session = null;
        try {
            session = Session.start(work, helper, deployment);
            return new LiveSession(work, helper, session, Floor.start(work));
        } catch (MeasurementException e) {
            if (session != null) {
                session.close();
            }
            helper.close();
            throw e;
        }
    }

    /** Both tunnels (the helper's and the floor's) hold {@code n} agents. */
    void agents(int n) {
        if (n != agents) {
            TunnelControl.agents(work.tunnelControl(), n);
            TunnelControl.agents(floor.control, n);
            agents = n;
        }
    }

    @Override
    public void close() {
        floor.close();
        session.close();
        helper.close();
    }
}
