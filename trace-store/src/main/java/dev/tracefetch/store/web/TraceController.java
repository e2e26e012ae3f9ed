package dev.tracefetch.store.web;

import dev.tracefetch.store.auth.Caller;
import dev.tracefetch.store.auth.Scope;
import dev.tracefetch.store.error.TooLargeException;
import dev.tracefetch.store.trace.TraceRecord;
import dev.tracefetch.store.trace.TraceService;
import dev.tracefetch.store.trace.UploadMetrics;
import dev.tracefetch.store.trace.UploadOutcome;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Upload, fetch and delete traces. */
@RestController
@RequestMapping("/api/v1/traces")
@Tag(name = "traces", description = "Upload, fetch and delete recorded start-up traces")
class TraceController {
  private final TraceService traces;
  private final UploadMetrics metrics;

  TraceController(TraceService traces, UploadMetrics metrics) {
    this.traces = traces;
    this.metrics = metrics;
  }

  @PostMapping(
      consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  @RequiresScope(Scope.UPLOAD)
  @Operation(
      summary = "Upload a trace file (raw body)",
      description =
          "The body is a trace file as written by record-trace. 201 for a new trace, 200 with the"
              + " existing id when the same file was uploaded before.",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
                      schema = @Schema(type = "string", format = "binary"))))
  @ApiResponse(responseCode = "201", description = "stored")
  @ApiResponse(responseCode = "200", description = "duplicate of an earlier upload")
  @ApiResponse(responseCode = "400", description = "malformed trace file")
  @ApiResponse(responseCode = "413", description = "larger than tracestore.upload.max-size")
  ResponseEntity<UploadResponse> upload(HttpServletRequest request, Caller caller)
      throws IOException {
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = RequestBodies.readBounded(in, request.getContentLengthLong(), traces.maxUploadBytes());
    } catch (TooLargeException e) {
      metrics.rejected(UploadMetrics.Rejection.TOO_LARGE);
      throw e;
    }
    return respond(traces.upload(body, caller));
  }

  @PostMapping(
      consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  @RequiresScope(Scope.UPLOAD)
  @Operation(summary = "Upload a trace file (multipart form field 'file')")
  ResponseEntity<UploadResponse> uploadForm(@RequestPart("file") MultipartFile file, Caller caller)
      throws IOException {
    return respond(traces.upload(file.getBytes(), caller));
  }

  private static ResponseEntity<UploadResponse> respond(UploadOutcome outcome) {
    UploadResponse body = UploadResponse.of(outcome);
    if (outcome.duplicate()) {
      return ResponseEntity.ok(body);
    }
    return ResponseEntity.created(URI.create("/api/v1/traces/" + outcome.id())).body(body);
  }

  @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  @RequiresScope(Scope.READ)
  @Operation(summary = "Metadata and latest score of one trace")
  TraceResponse get(@PathVariable String id) {
    return TraceResponse.of(traces.find(id));
  }

  @GetMapping(path = "/{id}/file", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
  @RequiresScope(Scope.READ)
  @Operation(summary = "The trace file exactly as uploaded")
  ResponseEntity<byte[]> file(@PathVariable String id) {
    TraceRecord trace = traces.find(id);
    byte[] bytes = traces.file(id);
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_OCTET_STREAM);
    headers.setContentDisposition(
        ContentDisposition.attachment().filename(trace.id() + ".trace").build());
    headers.setETag("\"" + trace.metadata().contentDigest() + "\"");
    return new ResponseEntity<>(bytes, headers, HttpStatus.OK);
  }

  @DeleteMapping("/{id}")
  @RequiresScope(Scope.ADMIN)
  @Operation(summary = "Delete a trace; the plan of its image is recomputed without it")
  ResponseEntity<Void> delete(@PathVariable String id) {
    traces.delete(id);
    return ResponseEntity.noContent().build();
  }
}
