import { EnvEditorRow, envChanges, envRowErrors } from './env-editor';

function row(changes: Partial<EnvEditorRow>): EnvEditorRow {
  return {
    name: 'A',
    storedValue: '••••',
    revealed: false,
    editedValue: null,
    isNew: false,
    deleted: false,
    ...changes,
  };
}

describe('envChanges', () => {
  it('sends only edited or new values, and deletes removed stored names', () => {
    expect(
      envChanges([
        row({ name: 'KEEP' }),
        row({ name: 'EDITED', editedValue: 'new' }),
        row({ name: 'ADDED', isNew: true, editedValue: 'x' }),
        row({ name: 'GONE', deleted: true }),
        row({ name: 'NEVER_SAVED', isNew: true, deleted: true, editedValue: 'y' }),
      ]),
    ).toEqual({
      set: [
        { name: 'EDITED', value: 'new' },
        { name: 'ADDED', value: 'x' },
      ],
      delete: ['GONE'],
    });
  });
});

describe('envRowErrors', () => {
  it('checks new names against the API rule and duplicates', () => {
    const errors = envRowErrors([
      row({ name: 'A' }),
      row({ name: '9LIVES', isNew: true, editedValue: '' }),
      row({ name: 'A', isNew: true, editedValue: '' }),
    ]);
    expect(errors[1]).toMatch(/^Env var names are letters/);
    expect(errors[2]).toBe('A is already in the list.');
    expect(errors[0]).toBeUndefined();
  });
});
