package dev.tracefetch.store.web;

import dev.tracefetch.store.auth.AppPattern;
import dev.tracefetch.store.auth.Scope;
import dev.tracefetch.store.auth.TokenService;
import dev.tracefetch.store.error.InvalidInputException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Token administration (scope admin). */
@RestController
@RequestMapping(path = "/api/v1/tokens", produces = MediaType.APPLICATION_JSON_VALUE)
@RequiresScope(Scope.ADMIN)
@Tag(name = "tokens", description = "API token administration (scope admin)")
class TokenController {
  private final TokenService tokens;

  TokenController(TokenService tokens) {
    this.tokens = tokens;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Create a token; the response is the only place its secret appears")
  ResponseEntity<CreatedTokenResponse> create(@RequestBody CreateTokenRequest request) {
    if (request.scopes() == null || request.scopes().isEmpty()) {
      throw new InvalidInputException(
          "Missing scope", "a token needs at least one scope: upload, read or admin");
    }
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    request.scopes().forEach(s -> scopes.add(Scope.parse(s)));
    Optional<AppPattern> app =
        Optional.ofNullable(request.app()).filter(a -> !a.isBlank()).map(AppPattern::new);
    CreatedTokenResponse created =
        CreatedTokenResponse.of(tokens.create(scopes, app, request.description()));
    return ResponseEntity.created(URI.create("/api/v1/tokens/" + created.details().id()))
        .body(created);
  }

  @GetMapping
  @Operation(summary = "All tokens, revoked ones included (without secrets)")
  List<TokenResponse> list() {
    return tokens.list().stream().map(TokenResponse::of).toList();
  }

  @DeleteMapping("/{id}")
  @Operation(summary = "Revoke a token")
  ResponseEntity<Void> revoke(@PathVariable String id) {
    tokens.revoke(id);
    return ResponseEntity.noContent().build();
  }
}
