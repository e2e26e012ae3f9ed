package dev.tracefetch.store.auth;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.store.error.PermissionDeniedException;
import dev.tracefetch.store.error.UnauthenticatedException;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CallerTest {
  private static Caller token(Set<Scope> scopes, String pattern) {
    return new Caller("t1", scopes, Optional.ofNullable(pattern).map(AppPattern::new), true);
  }

  @Test
  void anonymousCallerIsUnauthenticatedUnlessReadsAreOpen() {
    assertThatThrownBy(() -> Caller.anonymous(false).require(Scope.READ))
        .isInstanceOf(UnauthenticatedException.class)
        .hasMessageContaining("read");
    assertThatCode(() -> Caller.anonymous(true).require(Scope.READ)).doesNotThrowAnyException();
    assertThatThrownBy(() -> Caller.anonymous(true).require(Scope.UPLOAD))
        .isInstanceOf(UnauthenticatedException.class);
  }

  @Test
  void missingScopeOfAValidTokenIsPermissionDenied() {
    assertThatThrownBy(() -> token(Set.of(Scope.READ), null).require(Scope.UPLOAD))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("upload");
  }

  @Test
  void adminImpliesEveryScopeAndEveryApp() {
    Caller admin = token(Set.of(Scope.ADMIN), null);
    assertThatCode(
            () -> {
              admin.require(Scope.READ);
              admin.require(Scope.UPLOAD);
              admin.requireUploadFor("anything");
            })
        .doesNotThrowAnyException();
  }

  @Test
  void uploadPatternLimitsApps() {
    Caller web = token(Set.of(Scope.UPLOAD), "web-*");
    assertThatCode(() -> web.requireUploadFor("web-shop")).doesNotThrowAnyException();
    assertThatThrownBy(() -> web.requireUploadFor("db"))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("web-*")
        .hasMessageContaining("db");
    assertThatCode(() -> token(Set.of(Scope.UPLOAD), null).requireUploadFor("db"))
        .doesNotThrowAnyException();
  }
}
