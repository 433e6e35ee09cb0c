package org.gdpstore.client.internal;

import io.netty.util.concurrent.FastThreadLocalThread;

/** The client's network thread; blocking calls made on it are refused. */
final class IoThread extends FastThreadLocalThread {
  IoThread(Runnable task, String name) {
    super(task, name);
    setDaemon(true);
  }
}
