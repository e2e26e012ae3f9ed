package dev.tracefetch.builder.cli;

import dev.tracefetch.cli.testing.CommandContract;

class TraceLayerBuilderCommandTest extends CommandContract {
  @Override
  protected Object newCommand() {
    return new TraceLayerBuilderCommand();
  }
}
