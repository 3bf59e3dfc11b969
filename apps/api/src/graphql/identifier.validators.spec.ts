import { describe, expect, it } from '@jest/globals';
import { validate } from 'class-validator';
import { IsFreeText, IsLineText } from './identifier.validators.js';

class Input {
  @IsLineText() name?: unknown;
  @IsFreeText() reason?: unknown;
  @IsLineText({ nfkc: true }) certificateNumber?: unknown;
  @IsLineText({ each: true }) approvers?: unknown;
}

async function refused(values: Partial<Input>): Promise<Record<string, string>> {
  const errors = await validate(Object.assign(new Input(), values));
  return Object.fromEntries(errors.map((e) => [e.property, Object.values(e.constraints ?? {}).join(' ')]));
}

describe('the text rule on GraphQL inputs', () => {
  it('refuses a name with a bidi override, CR/LF or only zero-width spaces, and free text with CR or a tab', async () => {
    expect(await refused({ name: 'a\u202Eb' })).toEqual({ name: expect.stringMatching(/bidirectional/) });
    expect(await refused({ name: 'a\r\nb' })).toEqual({ name: expect.stringMatching(/one line/) });
    expect(await refused({ name: '\u200B\u200B' })).toEqual({ name: expect.stringMatching(/blank/) });
    expect(await refused({ reason: 'a\rb', name: 'ok' })).toEqual({ reason: expect.stringMatching(/line feeds/) });
    expect(await refused({ reason: 'a\tb' })).toEqual({ reason: expect.any(String) });
  });

  it('takes free text over several lines, and leaves empty values to the decider, which reports them as required', async () => {
    expect(await refused({ name: '武汉江城建设有限公司', reason: '第一\n第二' })).toEqual({});
    expect(await refused({ name: '', reason: '   ' })).toEqual({});
  });

  it('checks the NFKC form where the register normalises, and each item of a list', async () => {
    expect(await refused({ certificateNumber: 'ＷＨＪＸ－００１２' })).toEqual({});
    expect(await refused({ approvers: ['ok', 'x\u2066'] })).toEqual({ approvers: expect.stringMatching(/^item 1 must not contain bidirectional/) });
  });
});
