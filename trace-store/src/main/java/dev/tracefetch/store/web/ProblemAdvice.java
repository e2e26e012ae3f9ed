package dev.tracefetch.store.web;

import dev.tracefetch.store.error.DatabaseOutage;
import dev.tracefetch.store.error.StoreException;
import dev.tracefetch.store.trace.UploadMetrics;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every failure of a REST call into an {@code application/problem+json} body (RFC 9457),
 * whatever the request accepted: a client asking for a protobuf plan still learns why it got none.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

  private final UploadMetrics uploadMetrics;

  ProblemAdvice(UploadMetrics uploadMetrics) {
    this.uploadMetrics = uploadMetrics;
  }

  @ExceptionHandler(StoreException.class)
  ResponseEntity<Object> handleStoreException(StoreException e, WebRequest request) {
    HttpStatus status =
        switch (e.kind()) {
          case INVALID_INPUT -> HttpStatus.BAD_REQUEST;
          case NOT_FOUND -> HttpStatus.NOT_FOUND;
          case TOO_LARGE -> HttpStatus.PAYLOAD_TOO_LARGE;
          case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
          case PERMISSION_DENIED -> HttpStatus.FORBIDDEN;
          case UPSTREAM_FAILED -> HttpStatus.BAD_GATEWAY;
        };
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
    problem.setTitle(e.title());
    problem.setType(
        URI.create(
            "urn:tracefetch:problem:"
                + e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-')));
    HttpHeaders headers = new HttpHeaders();
    if (status == HttpStatus.UNAUTHORIZED) {
      headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"trace-store\"");
    }
    return handleExceptionInternal(e, problem, headers, status, request);
  }

  @Override
  protected ResponseEntity<Object> handleMaxUploadSizeExceededException(
      MaxUploadSizeExceededException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    uploadMetrics.rejected(UploadMetrics.Rejection.TOO_LARGE);
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.PAYLOAD_TOO_LARGE,
            "trace upload exceeds the maximum of "
                + ex.getMaxUploadSize()
                + " bytes (property tracestore.upload.max-size)");
    problem.setTitle("Upload too large");
    problem.setType(URI.create("urn:tracefetch:problem:too-large"));
    return handleExceptionInternal(ex, problem, headers, HttpStatus.PAYLOAD_TOO_LARGE, request);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> handleUnexpected(Exception e, WebRequest request) {
    if (DatabaseOutage.causedBy(e)) {
      return databaseUnavailable(e, request);
    }
    String incident = UUID.randomUUID().toString();
    log.error("request failed incident={} path={}", incident, path(request), e);
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.INTERNAL_SERVER_ERROR,
            "the store failed to handle this request; incident " + incident + " is in its log");
    problem.setTitle("Internal error");
    return handleExceptionInternal(
        e, problem, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
  }

  /**
   * PostgreSQL is down or restarting: 503 with {@code Retry-After}, so clients (the recorder's
   * uploader spools on 5xx) try again later instead of treating it as a bug of the store.
   */
  private ResponseEntity<Object> databaseUnavailable(Exception e, WebRequest request) {
    log.warn("request failed: database unavailable path={}: {}", path(request), e.toString());
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.SERVICE_UNAVAILABLE, "the store's database is unavailable; try again later");
    problem.setTitle("Database unavailable");
    problem.setType(URI.create("urn:tracefetch:problem:unavailable"));
    HttpHeaders headers = new HttpHeaders();
    headers.set(HttpHeaders.RETRY_AFTER, "5");
    return handleExceptionInternal(e, problem, headers, HttpStatus.SERVICE_UNAVAILABLE, request);
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ResponseEntity<Object> response =
        super.handleExceptionInternal(ex, body, headers, status, request);
    if (response == null || !(response.getBody() instanceof ProblemDetail problem)) {
      return response;
    }
    if (problem.getInstance() == null && path(request) != null) {
      problem.setInstance(URI.create(path(request)));
    }
    HttpHeaders problemHeaders = new HttpHeaders();
    problemHeaders.putAll(response.getHeaders());
    problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return new ResponseEntity<>(problem, problemHeaders, response.getStatusCode());
  }

  private static String path(WebRequest request) {
    if (request instanceof NativeWebRequest nativeRequest
        && nativeRequest.getNativeRequest() instanceof HttpServletRequest http) {
      return http.getRequestURI();
    }
    return null;
  }
}
