package org.gdpstore.nio.internal;

import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.util.List;
import org.gdpstore.fs.CommitResult;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsPaths;
import org.gdpstore.fs.FsSnapshot;
import org.gdpstore.fs.GdpFileSystem;

/**
 * Turns one commit into watch events: each path the commit changed is compared between the
 * snapshot before the commit and the snapshot it made (absent then present: ENTRY_CREATE, present
 * then absent: ENTRY_DELETE, present in both: ENTRY_MODIFY) and reported to the keys watching its
 * parent directory. Key-value changes are not paths and are not reported.
 */
final class WatchEvents {
  private WatchEvents() {}

  static void dispatch(GdpFileSystem engine, CommitResult c, List<GdpWatchService> watchers) {
    try {
      long prev = 1;
      for (long r : engine.commits()) {
        if (r < c.recno() && r > prev) {
          prev = r;
        }
      }
      FsSnapshot before = engine.at(prev);
      FsSnapshot after = engine.at(c.recno());
      for (String p : c.paths()) {
        if (!p.startsWith("/") || p.equals("/")) {
          continue;
        }
        boolean was = prev < c.recno() && before.exists(p);
        boolean is = after.exists(p);
        WatchEvent.Kind<java.nio.file.Path> kind = was && is ? StandardWatchEventKinds.ENTRY_MODIFY
            : is ? StandardWatchEventKinds.ENTRY_CREATE
            : was ? StandardWatchEventKinds.ENTRY_DELETE : null;
        if (kind != null) {
          for (GdpWatchService w : watchers) {
            w.deliver(FsPaths.dirname(p), FsPaths.basename(p), kind);
          }
        }
      }
    } catch (FsException e) {
      // a commit beyond this view's head cannot be described; the next one will be
    }
  }
}
