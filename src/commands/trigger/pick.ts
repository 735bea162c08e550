import { select } from '@inquirer/prompts';
import { CATALOG } from '../../events/catalog.js';

/** The choices the interactive picker offers; separate so it can be tested apart. */
export function eventTypeChoices(): { name: string; value: string; description: string }[] {
  return CATALOG.map((entry) => ({ name: entry.type, value: entry.type, description: entry.description }));
}

export async function pickEventType(prompt: typeof select = select): Promise<string> {
  return prompt({ message: 'Which event should be sent?', choices: eventTypeChoices(), pageSize: 10 });
}
