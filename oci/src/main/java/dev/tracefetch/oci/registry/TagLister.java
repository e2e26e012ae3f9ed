package dev.tracefetch.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefetch.oci.registry.auth.AuthScope;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * {@code GET /v2/<name>/tags/list}, one page; the {@code Link: <...>; rel="next"} header names the
 * next page.
 */
final class TagLister implements RegistryEndpoint<TagLister.Page> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

  /**
   * @param next the next page's URL, or null on the last page
   */
  record Page(List<String> tags, HttpUrl next) {}

  private final String repository;
  private final HttpUrl page;

  /**
   * @param page the page URL from a previous {@code Link}, or null for the first page
   */
  TagLister(String repository, HttpUrl page) {
    this.repository = repository;
    this.page = page;
  }

  @Override
  public String action() {
    return "list tags";
  }

  @Override
  public String repository() {
    return repository;
  }

  @Override
  public String target() {
    return null;
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public HttpUrl url(HttpUrl base) {
    if (page != null) {
      return page;
    }
    return base.newBuilder()
        .addPathSegment("v2")
        .addPathSegments(repository)
        .addPathSegment("tags")
        .addPathSegment("list")
        .build();
  }

  @Override
  public AuthScope scope() {
    return AuthScope.repository(repository, "pull");
  }

  @Override
  public boolean retryable() {
    return true;
  }

  @Override
  public Page handle(RegistryResponse response) throws IOException {
    byte[] body = response.bytes(16 * 1024 * 1024);
    List<String> tags = new ArrayList<>();
    try {
      JsonNode array = JSON.readTree(body).get("tags");
      if (array != null && array.isArray()) {
        array.forEach(t -> tags.add(t.asText()));
      }
    } catch (IOException e) {
      throw new RegistryProtocolException(response.failure(), "tag list is not JSON", e);
    }
    HttpUrl next = null;
    String link = response.header("Link");
    if (link != null) {
      Matcher m = NEXT.matcher(link);
      if (m.find()) {
        next = response.requestUrl().resolve(m.group(1));
      }
    }
    return new Page(List.copyOf(tags), next);
  }
}
