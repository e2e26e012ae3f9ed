package dev.tracefetch.api.files;

/**
 * What a trace-family file carries. Stored in the header so that a replay file handed to a command
 * that expects a trace is refused with a clear message instead of being parsed as garbage.
 */
public enum PayloadKind {
  TRACE(1, "trace"),
  REPLAY_PLAN(2, "replay plan");

  private final int code;
  private final String displayName;

  PayloadKind(int code, String displayName) {
    this.code = code;
    this.displayName = displayName;
  }

  public int code() {
    return code;
  }

  public String displayName() {
    return displayName;
  }

  static PayloadKind fromCode(int code) throws FileFormatException {
    for (PayloadKind kind : values()) {
      if (kind.code == code) {
        return kind;
      }
    }
    throw new FileFormatException("unknown payload kind " + code + " in header");
  }
}
