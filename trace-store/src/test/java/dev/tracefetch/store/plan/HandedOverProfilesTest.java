package dev.tracefetch.store.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.store.trace.StoredProfile;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HandedOverProfilesTest {
  @Test
  void takesWhatWasOfferedForTheImageOnceAndStaysWithinItsBudget() {
    HandedOverProfiles profiles = new HandedOverProfiles(100);
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    UUID c = UUID.randomUUID();
    profiles.offer(1, new StoredProfile(a, new byte[40]));
    profiles.offer(2, new StoredProfile(b, new byte[50]));
    profiles.offer(1, new StoredProfile(c, new byte[20])); // over budget: dropped
    assertThat(profiles.bytes()).isEqualTo(90);

    assertThat(profiles.take(1)).containsOnlyKeys(a);
    assertThat(profiles.take(1)).isEmpty();
    assertThat(profiles.bytes()).isEqualTo(50);
    profiles.offer(1, new StoredProfile(c, new byte[20])); // fits again
    assertThat(profiles.take(1)).containsOnlyKeys(c);
    assertThat(profiles.take(2)).containsOnlyKeys(b);
    assertThat(profiles.bytes()).isZero();
  }
}
