package dev.tracefetch.store.web;

import java.util.List;

/**
 * Body of {@code POST /api/v1/tokens}.
 *
 * @param scopes any of upload, read, admin
 * @param app optional app glob limiting an upload token (e.g. {@code web-*})
 * @param description free text for administrators
 */
record CreateTokenRequest(List<String> scopes, String app, String description) {}
