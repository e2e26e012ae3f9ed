package dev.tracefetch.recorder.cli;

import dev.tracefetch.cli.testing.CommandContract;

class RecordTraceCommandTest extends CommandContract {
  @Override
  protected Object newCommand() {
    return new RecordTraceCommand();
  }
}
