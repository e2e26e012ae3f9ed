package dev.tracefetch.store.web;

import dev.tracefetch.store.auth.Caller;
import dev.tracefetch.store.auth.Scope;
import dev.tracefetch.store.auth.TokenService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Authenticates every {@code /api} request and checks the scope its operation declares with {@link
 * RequiresScope}; failures become 401/403 problem responses through {@link ProblemAdvice}.
 */
final class ScopeInterceptor implements HandlerInterceptor {
  static final String CALLER_ATTRIBUTE = Caller.class.getName();

  private final TokenService tokens;

  ScopeInterceptor(TokenService tokens) {
    this.tokens = tokens;
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (!(handler instanceof HandlerMethod method)) {
      return true;
    }
    Caller caller =
        tokens.authenticate(Optional.ofNullable(request.getHeader(HttpHeaders.AUTHORIZATION)));
    request.setAttribute(CALLER_ATTRIBUTE, caller);
    RequiresScope required = method.getMethodAnnotation(RequiresScope.class);
    if (required == null) {
      required = method.getBeanType().getAnnotation(RequiresScope.class);
    }
    caller.require(required == null ? Scope.ADMIN : required.value());
    return true;
  }
}
