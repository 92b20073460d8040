import { ENV_VAR_NAME_PATTERN, ENV_VAR_NAME_RULE, ENV_VAR_VALUE_MAX_LENGTH } from '@slipway/contracts';

/** One variable in the settings editor: as stored, plus what the user changed. */
export interface EnvEditorRow {
  name: string;
  /** The stored value as the API gave it (masked unless revealed). */
  storedValue: string;
  revealed: boolean;
  /** The value typed by the user; null while unchanged. */
  editedValue: string | null;
  isNew: boolean;
  deleted: boolean;
}

export interface EnvChanges {
  set: Array<{ name: string; value: string }>;
  delete: string[];
}

/** What saving the editor would send: changed or new values to set, removed names to delete. */
export function envChanges(rows: readonly EnvEditorRow[]): EnvChanges {
  return {
    set: rows
      .filter((row) => !row.deleted && row.editedValue !== null && row.name.trim())
      .map((row) => ({ name: row.name.trim(), value: row.editedValue ?? '' })),
    delete: rows.filter((row) => row.deleted && !row.isNew).map((row) => row.name),
  };
}

/** Problems with new or edited rows, by row index. */
export function envRowErrors(rows: readonly EnvEditorRow[]): Record<number, string> {
  const errors: Record<number, string> = {};
  const names = new Map<string, number>();
  rows.forEach((row, index) => {
    if (row.deleted) return;
    const name = row.name.trim();
    if (row.isNew && !ENV_VAR_NAME_PATTERN.test(name)) {
      errors[index] = name ? capitalize(ENV_VAR_NAME_RULE) + '.' : 'Name the variable.';
    } else if (names.has(name)) {
      errors[index] = `${name} is already in the list.`;
    } else if ((row.editedValue ?? '').length > ENV_VAR_VALUE_MAX_LENGTH) {
      errors[index] = `Values are at most ${ENV_VAR_VALUE_MAX_LENGTH} characters.`;
    }
    names.set(name, index);
  });
  return errors;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
