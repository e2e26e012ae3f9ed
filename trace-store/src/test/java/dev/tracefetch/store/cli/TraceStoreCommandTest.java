package dev.tracefetch.store.cli;

import dev.tracefetch.cli.testing.CommandContract;

class TraceStoreCommandTest extends CommandContract {
  @Override
  protected Object newCommand() {
    return new TraceStoreCommand();
  }
}
