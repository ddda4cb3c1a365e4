import { Command } from 'commander';
import { MKB_VERSION } from '../version.js';
import { engineCommands } from './commands/engine-commands.js';

/**
 * The build engine's own commands (src/cli/commands/, owned by the engine): `explain`, `graph`, `cache`, and
 * `build`/`clean` with the internal `--plan-file`. They keep their commander subcommand parsing.
 */
export async function runEngine(argv: readonly string[]): Promise<number> {
  const program = new Command('mkb').version(MKB_VERSION, '--version').exitOverride();
  for (const command of engineCommands) program.addCommand(command);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof Error && 'exitCode' in error && typeof error.exitCode === 'number') return error.exitCode;
    throw error;
  }
}
