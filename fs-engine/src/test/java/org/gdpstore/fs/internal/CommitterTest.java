package org.gdpstore.fs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.gdpstore.fs.CommitResult;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.TransactionConflictException;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;

/** Group commit: members staged at the same time go out as one record, each with its own verdict. */
class CommitterTest {
  static final Ed25519Keys KEYS = Ed25519Keys.fromSeed(new byte[32]);

  private static DirEntry file(String s) {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return DirEntry.inline(DirEntry.Kind.FILE, b, Hashes.sha256(b), 1);
  }

  private static Committer.Request put(NamespaceIndex index, String path, DirEntry e) {
    TreeMap<EntryKey, DirEntry> ch = new TreeMap<>();
    ch.put(EntryKey.path(path), e);
    long head = index.head();
    return new Committer.Request("the call on " + path, head,
        ch, Map.of(EntryKey.path(path), index.versionOf(EntryKey.path(path), head)), Map.of());
  }

  @Test
  void aGroupIsOneRecordAndAMemberThatConflictsWithAnEarlierOneFailsAlone() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    GdpName root;
    try (FsEngine fs = FsEngine.mkfs(store, KEYS, FsOptions.DEFAULT, false)) {
      root = fs.root();
    }
    NamespaceIndex index = new NamespaceIndex();
    try (DirectoryLog log = DirectoryLog.open(store, root, FsOptions.DEFAULT, KEYS, index)) {
      log.refresh();
      Committer c = new Committer(log, index, FsOptions.DEFAULT);
      long before = store.lastRecno(root);
      Committer.Request first = put(index, "/a", file("1"));
      Committer.Request other = put(index, "/b", file("2"));
      Committer.Request loser = put(index, "/a", file("3")); // read /a at the same snapshot as `first`
      TreeMap<EntryKey, DirEntry> kv = new TreeMap<>();
      kv.put(EntryKey.kv("k"), DirEntry.inline(new byte[] {1}, Hashes.sha256(new byte[] {1}), 1));
      Committer.Request absentOnly = new Committer.Request("kv", index.head(), kv, Map.of(),
          Map.of(EntryKey.kv("k"), ConflictRules.Condition.PRESENT)); // condition fails: skipped
      c.commitTogether(List.of(first, other, loser, absentOnly));

      assertThat(store.lastRecno(root)).isEqualTo(before + 1); // one record for the whole group
      CommitResult r1 = first.outcome();
      CommitResult r2 = other.outcome();
      assertThat(r1.recno()).isEqualTo(before + 1).isEqualTo(r2.recno());
      assertThat(r1.paths()).containsExactly("/a");
      assertThat(r2.paths()).containsExactly("/b");
      assertThatThrownBy(loser::outcome).isInstanceOf(ConflictRules.Conflict.class)
          .satisfies(e -> {
            ConflictRules.Conflict conflict = (ConflictRules.Conflict) e;
            assertThat(conflict.local).isTrue();
            assertThat(conflict.error).isInstanceOf(TransactionConflictException.class);
            assertThat(conflict.error.getMessage()).contains("/a");
          });
      assertThat(absentOnly.outcome()).isNull();
      FsRecord rec = Records.parse(store.openSource(root, true).get().read(before + 1).get().payload());
      assertThat(rec.getCommit().getChangesCount()).isEqualTo(2);
      assertThat(rec.getCommit().getCommitId().size()).isEqualTo(CommitCodec.COMMIT_ID_BYTES);
      assertThat(rec.getCommit().getBaseRecno()).isEqualTo(before);
      assertThat(index.get(EntryKey.path("/a"), index.head()).inlineData()).containsExactly('1');
    }
  }
}
