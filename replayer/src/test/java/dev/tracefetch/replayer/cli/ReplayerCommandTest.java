package dev.tracefetch.replayer.cli;

import dev.tracefetch.cli.testing.CommandContract;

class ReplayerCommandTest extends CommandContract {
  @Override
  protected Object newCommand() {
    return new ReplayerCommand();
  }
}
