package dev.tracefetch.store.ui;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's chromium driven through Debian's chromedriver: no browser download, no Selenium Manager.
 * Runs headless as root (hence no sandbox) with a fresh profile, at a laptop-sized window.
 *
 * <p>Missing chromium or chromedriver skips the test on a developer machine, but fails it in CI
 * ({@code CI=true}), where {@code bin/install-deps} installs both: CI must never skip silently.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Dimension LAPTOP = new Dimension(1366, 900);
  private static final int MAX_SCREENSHOT_HEIGHT = 6000;

  private final ChromeDriverService service;
  private final ChromeDriver driver;
  private final Path screenshots;

  private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, Path screenshots) {
    this.service = service;
    this.driver = driver;
    this.screenshots = screenshots;
  }

  /**
   * Starts the browser, or skips (locally) / fails (CI) when it is not installed.
   *
   * @param profileDir an empty directory for the browser profile
   * @param downloads where downloaded files land (no prompt)
   * @param screenshots where {@link #screenshot} writes
   */
  static HeadlessChromium start(Path profileDir, Path downloads, Path screenshots)
      throws IOException {
    Optional<Path> chromium = executable("chromium", "chromium-browser");
    Optional<Path> chromedriver = executable("chromedriver");
    if (chromium.isEmpty() || chromedriver.isEmpty()) {
      String missing =
          (chromium.isEmpty() ? "chromium " : "")
              + (chromedriver.isEmpty() ? "chromedriver " : "")
              + "not found on PATH; install the Debian packages 'chromium' and 'chromium-driver'"
              + " (bin/install-deps does)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("CI=true and " + missing);
      }
      Assumptions.abort(missing);
    }
    Files.createDirectories(screenshots);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.get().toFile())
            .usingAnyFreePort()
            .withLogFile(screenshots.resolve("chromedriver.log").toFile())
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.get().toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--lang=en-US",
        "--window-size=" + LAPTOP.getWidth() + "," + LAPTOP.getHeight(),
        "--user-data-dir=" + profileDir.toAbsolutePath());
    options.setExperimentalOption(
        "prefs",
        Map.of(
            "download.default_directory",
            downloads.toAbsolutePath().toString(),
            "download.prompt_for_download",
            false));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriver driver;
    try {
      driver = new ChromeDriver(service, options);
    } catch (RuntimeException e) {
      service.stop();
      throw e;
    }
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    driver.manage().window().setSize(LAPTOP);
    return new HeadlessChromium(service, driver, screenshots);
  }

  ChromeDriver driver() {
    return driver;
  }

  /** Saves the whole page (not just the window) as {@code name}.png; returns the file. */
  Path screenshot(String name) {
    // The window includes browser chrome even when headless: grow it by the page's overflow.
    Object overflow =
        ((JavascriptExecutor) driver)
            .executeScript(
                "return Math.ceil(document.documentElement.scrollHeight - window.innerHeight);");
    int pageHeight =
        Math.min(
            MAX_SCREENSHOT_HEIGHT,
            LAPTOP.getHeight() + Math.max(0, ((Number) overflow).intValue()));
    Path file = screenshots.resolve(name + ".png");
    try {
      driver
          .manage()
          .window()
          .setSize(new Dimension(LAPTOP.getWidth(), Math.max(LAPTOP.getHeight(), pageHeight)));
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write screenshot " + file, e);
    } finally {
      driver.manage().window().setSize(LAPTOP);
    }
    return file;
  }

  /**
   * Records the page a test failed on (screenshot, URL, visible text, console) on the failure, for
   * the caller to rethrow.
   */
  void recordFailure(String name, Throwable failure) {
    try {
      Path shot = screenshot(name);
      String text =
          (String) ((JavascriptExecutor) driver).executeScript("return document.body.innerText;");
      failure.addSuppressed(
          new AssertionError(
              "page at failure: "
                  + driver.getCurrentUrl()
                  + " (screenshot "
                  + shot
                  + ")\nconsole: "
                  + severeConsoleMessages()
                  + "\ntext:\n"
                  + text));
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Visible links, buttons and form fields with no accessible name (no text, label, aria-label or
   * title), as HTML snippets; empty when every control can be named by assistive technology.
   */
  @SuppressWarnings("unchecked")
  List<String> controlsWithoutName() {
    return (List<String>)
        ((JavascriptExecutor) driver)
            .executeScript(
                """
                return [...document.querySelectorAll('a[href], button, input, select, textarea')]
                  .filter((el) => el.type !== 'hidden' && el.getClientRects().length > 0)
                  .filter((el) => {
                    const labelled = (el.getAttribute('aria-labelledby') || '').split(/\\s+/)
                      .map((id) => document.getElementById(id)?.textContent || '').join(' ');
                    const labels = el.labels ? [...el.labels].map((l) => l.textContent).join(' ') : '';
                    const text = ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName) ? '' : el.textContent;
                    const name = [el.getAttribute('aria-label'), labelled, labels, text, el.title]
                      .filter(Boolean).join(' ').trim();
                    return name.length === 0;
                  })
                  .map((el) => el.outerHTML.slice(0, 160));
                """);
  }

  /** Console messages of level SEVERE since the last call (script errors, CSP violations, ...). */
  List<String> severeConsoleMessages() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
    }
  }

  private static Optional<Path> executable(String... names) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    return Stream.of(names)
        .flatMap(
            name ->
                Stream.of(path.split(File.pathSeparator))
                    .filter(dir -> !dir.isBlank())
                    .map(dir -> Path.of(dir, name)))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
