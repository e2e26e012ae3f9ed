package dev.tracefetch.store.catalog;

import dev.tracefetch.store.error.NotFoundException;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What the store holds, app by app and image by image; unknown names are {@code NotFound}. */
@Service
@Transactional(readOnly = true)
public class Catalog {
  private final CatalogRepository repository;

  public Catalog(CatalogRepository repository) {
    this.repository = repository;
  }

  public List<AppOverview> apps() {
    return repository.listApps();
  }

  public List<ImageOverview> images(String app) {
    long appId = repository.findApp(app).orElseThrow(() -> NotFoundException.app(app));
    return repository.listImages(appId);
  }

  /** The image of {@code app} with {@code manifestDigest}; says which of the two is unknown. */
  public ImageRef image(String app, String manifestDigest) {
    return repository
        .findImage(app, manifestDigest)
        .orElseThrow(
            () ->
                repository.findApp(app).isPresent()
                    ? NotFoundException.image(app, manifestDigest)
                    : NotFoundException.app(app));
  }
}
