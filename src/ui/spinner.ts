/** A spinner on a TTY (ora, loaded only when one is shown), nothing elsewhere. */
export interface Spinner {
  /** Replaces the text next to the spinner. */
  update(text: string): void;
  stop(): void;
}

export async function createSpinnerFactory(interactive: boolean): Promise<(text: string) => Spinner | undefined> {
  if (!interactive) return () => undefined;
  const { default: ora } = await import('ora');
  return (text) => {
    const spinner = ora({ text, stream: process.stdout }).start();
    return {
      update: (next) => {
        spinner.text = next;
      },
      stop: () => spinner.stop(),
    };
  };
}
