package dev.tracefetch.store.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.api.files.TraceFiles;
import dev.tracefetch.api.v1.ReplayPlan;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.StoreIntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI end to end: a running trace-store on a random port with a real PostgreSQL, driven in
 * headless Chromium like a person would: log in with a token, upload a trace through the form, find
 * it ranked on its image's page, open its timeline, compare it with another start. Screenshots land
 * in {@code target/ui-screenshots/}.
 */
class WebUiIT extends StoreIntegrationTest {
  static final Path SCREENSHOTS =
      Path.of(System.getProperty("basedir", "."), "target", "ui-screenshots");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String UUID_PATTERN =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private String base() {
    return "http://127.0.0.1:" + port;
  }

  private String createToken(String scopesJson) {
    Http.Response created =
        http().postJson("/api/v1/tokens", ADMIN_TOKEN, "{\"scopes\":" + scopesJson + "}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return created.json().get("token").asText();
  }

  private String upload(Trace trace) {
    Http.Response response = http().upload(TraceFiles.toBytes(trace), ADMIN_TOKEN);
    assertThat(response.status()).as(response.text()).isEqualTo(201);
    return response.json().get("id").asText();
  }

  private static Path write(Trace trace, Path dir, String name) throws IOException {
    Path file = dir.resolve(name);
    TraceFiles.write(trace, file);
    return file;
  }

  /** Logs in with the keyboard only: focus starts on the heading, Tab reaches the field. */
  private void logIn(WebDriver driver, WebDriverWait wait, String token) {
    driver.get(base() + "/#/login");
    driver.navigate().refresh(); // a fresh page even when already on the login form
    wait.until(
        d ->
            d.switchTo().activeElement().getText().equals("Log in with an API token")
                && d.switchTo().activeElement().getTagName().equals("h1"));
    new Actions(driver).sendKeys(Keys.TAB).perform();
    WebElement field = driver.switchTo().activeElement();
    assertThat(field.getAttribute("type")).isEqualTo("password");
    assertThat(field.getAttribute("id"))
        .isEqualTo(driver.findElement(By.cssSelector("#login-form input")).getAttribute("id"));
    field.sendKeys(token, Keys.ENTER);
  }

  /** Every link, button and field on the page has an accessible name; then a screenshot. */
  private static void checkedPage(HeadlessChromium chromium, String name) {
    assertThat(chromium.controlsWithoutName()).as("controls without a name on " + name).isEmpty();
    chromium.screenshot(name);
  }

  private static String sessionToken(WebDriver driver) {
    return (String)
        ((JavascriptExecutor) driver)
            .executeScript("return sessionStorage.getItem('tracefetch.apiToken');");
  }

  /** Console errors other than the failed requests the test provokes on purpose. */
  private static List<String> unexpected(List<String> severe) {
    return severe.stream().filter(m -> !m.matches("(?s).*status of (401|403|404) .*")).toList();
  }

  /** Waits for a finished download named {@code name} (Chromium writes .crdownload first). */
  private static byte[] downloaded(WebDriverWait wait, Path downloads, String name) {
    Path file = downloads.resolve(name);
    wait.until(d -> Files.isRegularFile(file));
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void logInUploadFindItRankedOpenItsTimelineAndCompare(
      @TempDir Path profile, @TempDir Path files, @TempDir Path downloads) throws Exception {
    String token = createToken("[\"upload\",\"read\"]");
    String first = upload(StartupTraces.normal(1));
    String second = upload(StartupTraces.normal(2));
    String outlier = upload(StartupTraces.outlier(9));
    Trace mine = StartupTraces.normal(3);
    Path traceFile = write(mine, files, "shop-api-start.trace");
    awaitPlans();

    try (HeadlessChromium chromium = HeadlessChromium.start(profile, downloads, SCREENSHOTS)) {
      WebDriver driver = chromium.driver();
      WebDriverWait wait = new WebDriverWait(driver, WAIT);
      try {

        // Without a token, the store's 401 is shown with a way to log in.
        driver.get(base() + "/");
        WebElement problem =
            wait.until(visibilityOfElementLocated(By.cssSelector(".problem[data-status='401']")));
        assertThat(problem.getText()).contains("HTTP 401").contains("Log in with an API token");
        checkedPage(chromium, "01-login-required");

        driver.findElement(By.id("login-link")).click();
        WebElement input =
            wait.until(
                visibilityOfElementLocated(By.cssSelector("#login-form input[type=password]")));
        assertThat(
                driver
                    .findElement(By.cssSelector("label[for='" + input.getAttribute("id") + "']"))
                    .getText())
            .isEqualTo("API token");
        input.sendKeys(token);
        driver.findElement(By.id("login-button")).click();

        // Logged in: back on the applications page, which now lists the app.
        WebElement app =
            wait.until(
                visibilityOfElementLocated(By.cssSelector("#apps-table tr[data-app='shop-api']")));
        assertThat(sessionToken(driver)).isEqualTo(token);
        assertThat(driver.findElement(By.id("session-state")).getText()).isEqualTo("Token in use");
        assertThat(app.getText())
            .contains("shop-api", StartupTraces.REFERENCE, "1 of 1 image planned");
        assertThat(app.findElements(By.tagName("td")).get(1).getText()).isEqualTo("3");
        checkedPage(chromium, "02-applications");

        // The app's page lists its image with its plan.
        app.findElement(By.linkText("shop-api")).click();
        WebElement image =
            wait.until(visibilityOfElementLocated(By.cssSelector("#images-table tbody tr")));
        assertThat(image.getText()).contains(StartupTraces.REFERENCE, StartupTraces.IMAGE);
        checkedPage(chromium, "02b-application");

        // Upload a trace file through the form.
        driver.findElement(By.cssSelector("a[data-nav='upload']")).click();
        WebElement fileInput =
            wait.until(presenceOfElementLocated(By.cssSelector("#upload-form input[type=file]")));
        fileInput.sendKeys(traceFile.toAbsolutePath().toString());
        driver.findElement(By.id("upload-button")).click();
        wait.until(visibilityOfElementLocated(By.id("upload-success")));
        String uploaded = driver.findElement(By.id("uploaded-trace-link")).getText();
        assertThat(uploaded).matches(UUID_PATTERN).isNotIn(first, second, outlier);
        checkedPage(chromium, "03-upload");
        JsonNode stored = http().get("/api/v1/traces/" + uploaded, ADMIN_TOKEN).json();
        assertThat(stored.get("eventCount").asLong()).isEqualTo(mine.getEventsCount());

        // Its image's page ranks it (the page refreshes itself until the ranking is done).
        driver.findElement(By.id("uploaded-image-link")).click();
        By uploadedScore = By.cssSelector("tr[data-trace-id='" + uploaded + "'] .score");
        wait.until(d -> d.findElement(uploadedScore).getText().matches("-?\\d+\\.\\d{3}"));
        wait.until(d -> d.findElement(By.id("image-status")).getText().startsWith("Ranked"));
        awaitPlans();
        List<String> order =
            driver.findElements(By.cssSelector("#ranked-traces tbody tr")).stream()
                .map(row -> row.getAttribute("data-trace-id"))
                .toList();
        assertThat(order).containsExactlyInAnyOrder(first, second, outlier, uploaded);
        assertThat(order.get(order.size() - 1)).as("the outlier ranks last").isEqualTo(outlier);
        String digest = URLEncoder.encode(StartupTraces.IMAGE, StandardCharsets.UTF_8);
        JsonNode ranked =
            http().get("/api/v1/apps/shop-api/images/" + digest + "/traces", ADMIN_TOKEN).json();
        JsonNode mineRanked = null;
        for (JsonNode t : ranked) {
          if (t.get("id").asText().equals(uploaded)) {
            mineRanked = t;
          }
        }
        assertThat(mineRanked).isNotNull();
        assertThat(driver.findElement(uploadedScore).getText())
            .isEqualTo(String.format(Locale.ROOT, "%.3f", mineRanked.get("score").asDouble()));
        String reasons =
            driver
                .findElement(By.cssSelector("tr[data-trace-id='" + uploaded + "'] ul.reasons"))
                .getText();
        mineRanked.get("reasons").forEach(r -> assertThat(reasons).contains(r.asText()));
        JsonNode plan =
            http()
                .get("/api/v1/insight/apps/shop-api/images/" + digest + "/plan", ADMIN_TOKEN)
                .json();
        String cards = driver.findElement(By.id("plan-cards")).getText();
        assertThat(cards)
            .contains("BYTES TO PREFETCH", "SHARE OF IMAGE", "REQUESTS", "CHUNKS")
            .contains("range requests after coalescing");
        assertThat(plan.get("requests").asInt()).isPositive();
        assertThat(
                driver
                    .findElements(By.cssSelector("#plan-cards .card"))
                    .get(2)
                    .findElement(By.className("value"))
                    .getText())
            .isEqualTo(String.valueOf(plan.get("requests").asInt()));
        assertThat(driver.findElements(By.cssSelector("#plan svg.bars .bar-row"))).hasSize(3);
        checkedPage(chromium, "04-image-ranking-and-plan");

        // Downloads: the replay file a node would fetch, and the trace file exactly as uploaded.
        driver.findElement(By.cssSelector("button[aria-label='Download replay file']")).click();
        String replayName =
            "shop-api-"
                + StartupTraces.IMAGE.replace(':', '-').substring(0, 19)
                + "-v"
                + plan.get("version").asLong()
                + ".replay";
        ReplayPlan replay =
            ReplayFiles.read(downloaded(wait, downloads, replayName), ReadLimits.defaults());
        assertThat(replay.getVersion()).isEqualTo(plan.get("version").asLong());
        assertThat(replay.getApp()).isEqualTo("shop-api");
        driver
            .findElement(
                By.cssSelector(
                    "tr[data-trace-id='" + uploaded + "'] button[aria-label^='Download trace']"))
            .click();
        assertThat(downloaded(wait, downloads, uploaded + ".trace"))
            .isEqualTo(Files.readAllBytes(traceFile));
        wait.until(d -> d.findElement(By.id("download-status")).getText().startsWith("Downloaded"));

        // The timeline of the uploaded trace: one mark per access, coloured by layer.
        driver
            .findElement(By.cssSelector("tr[data-trace-id='" + uploaded + "'] a.trace-link"))
            .click();
        wait.until(
            presenceOfElementLocated(By.cssSelector("#timeline svg.timeline circle.access")));
        assertThat(driver.findElements(By.cssSelector("#timeline svg.timeline circle.access")))
            .hasSize(mine.getEventsCount());
        long appLayerEvents =
            mine.getEventsList().stream()
                .filter(e -> mine.getFiles(e.getFileIndex()).getLayerIndex() == 2)
                .count();
        assertThat(
                driver.findElements(
                    By.cssSelector("#timeline g.accesses[data-category='2'] circle.access")))
            .hasSize((int) appLayerEvents);
        assertThat(driver.findElements(By.cssSelector("#timeline .legend-item"))).hasSize(3);
        assertThat(driver.findElements(By.cssSelector("#timeline line.ready-line"))).hasSize(1);
        String svgText = driver.findElement(By.cssSelector("#timeline svg.timeline")).getText();
        assertThat(svgText)
            .contains("Time since the start of the recording", "Files by first access");
        assertThat(driver.findElement(By.cssSelector("#top-files-first tbody tr")).getText())
            .contains("/usr/local/bin/python3.12");
        assertThat(driver.findElements(By.cssSelector("#top-files-bytes tbody tr"))).isNotEmpty();
        assertThat(driver.findElement(By.id("readiness")).getText())
            .contains("reached", "tcp", "8080");
        checkedPage(chromium, "05-trace-timeline");

        // Compared with the outlier: each read files the other did not.
        new Select(driver.findElement(By.cssSelector("#compare-form select")))
            .selectByValue(outlier);
        driver.findElement(By.cssSelector("#compare-form button[type=submit]")).click();
        wait.until(visibilityOfElementLocated(By.id("compare-cards")));
        assertThat(driver.findElement(By.id("compare-cards")).getText()).contains("0.0 %");
        assertThat(driver.findElement(By.id("only-left")).getText())
            .contains("/app/data/cache-3.bin");
        assertThat(driver.findElement(By.id("only-right")).getText()).contains("/usr/bin/strace");
        assertThat(driver.findElements(By.cssSelector("svg.timeline"))).hasSize(2);
        assertThat(
                driver.findElements(
                    By.cssSelector("#side-right g.accesses[data-category='only'] circle.access")))
            .hasSize(StartupTraces.outlier(9).getEventsCount());
        checkedPage(chromium, "06-compare");

      } catch (RuntimeException | AssertionError e) {
        chromium.recordFailure("failure-main-flow", e);
        throw e;
      }
      assertThat(unexpected(chromium.severeConsoleMessages())).isEmpty();
    }
  }

  @Test
  void showsWhyTheStoreRefusesATokenAndNeverUploadsWithoutOne(
      @TempDir Path profile, @TempDir Path files, @TempDir Path downloads) throws Exception {
    String readOnly = createToken("[\"read\"]");
    Path traceFile = write(StartupTraces.normal(42), files, "refused.trace");

    try (HeadlessChromium chromium = HeadlessChromium.start(profile, downloads, SCREENSHOTS)) {
      WebDriver driver = chromium.driver();
      WebDriverWait wait = new WebDriverWait(driver, WAIT);
      try {

        // No token: nothing to upload with.
        driver.get(base() + "/#/upload");
        wait.until(visibilityOfElementLocated(By.id("upload-needs-token")));
        assertThat(driver.findElement(By.id("upload-button")).isEnabled()).isFalse();
        assertThat(driver.findElement(By.cssSelector("#upload-form input[type=file]")).isEnabled())
            .isFalse();

        // A token the store does not know: its 401 problem, and the token is not kept.
        logIn(driver, wait, "tft_" + "0".repeat(40));
        WebElement unauthorized =
            wait.until(
                visibilityOfElementLocated(
                    By.cssSelector("#login-result .problem[data-status='401']")));
        assertThat(unauthorized.getText()).contains("HTTP 401");
        assertThat(unauthorized.findElement(By.className("problem-detail")).getText()).isNotBlank();
        assertThat(sessionToken(driver)).isNull();
        checkedPage(chromium, "07-login-refused");

        // A read-only token logs in, but the store refuses its upload with 403.
        logIn(driver, wait, readOnly);
        wait.until(d -> d.getCurrentUrl().endsWith("#/apps"));
        driver.get(base() + "/#/upload");
        WebElement fileInput =
            wait.until(presenceOfElementLocated(By.cssSelector("#upload-form input[type=file]")));
        fileInput.sendKeys(traceFile.toAbsolutePath().toString());
        driver.findElement(By.id("upload-button")).click();
        WebElement forbidden =
            wait.until(
                visibilityOfElementLocated(
                    By.cssSelector("#upload-result .problem[data-status='403']")));
        assertThat(forbidden.getText()).contains("HTTP 403").contains("lacks scope 'upload'");
        checkedPage(chromium, "08-upload-forbidden");

      } catch (RuntimeException | AssertionError e) {
        chromium.recordFailure("failure-token-errors", e);
        throw e;
      }
      assertThat(unexpected(chromium.severeConsoleMessages())).isEmpty();
    }
    // Nothing of the refused upload was stored.
    Http.Response traces =
        http()
            .get(
                "/api/v1/apps/shop-api/images/"
                    + URLEncoder.encode(StartupTraces.IMAGE, StandardCharsets.UTF_8)
                    + "/traces",
                ADMIN_TOKEN);
    if (traces.status() == 200) {
      traces.json().forEach(t -> assertThat(t.get("host").asText()).isNotEqualTo("node-52"));
    } else {
      assertThat(traces.status()).as(traces.text()).isEqualTo(404);
    }
  }
}
