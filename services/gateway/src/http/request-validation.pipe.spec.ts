import { BadRequestException } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { RequestValidationPipe } from './request-validation.pipe';

class Page {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
}

class Search {
  @IsString()
  q!: string;
}

const asQuery = (metatype: new () => object) => ({ type: 'query' as const, metatype, data: undefined });

describe('RequestValidationPipe', () => {
  let pipe: RequestValidationPipe;
  let validations: jest.SpyInstance;

  beforeEach(() => {
    pipe = new RequestValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
    // The step an empty query skips once it has passed: class-validator's run over the class's rules.
    validations = jest.spyOn(pipe as unknown as { validate: () => unknown }, 'validate');
  });

  it('validates an empty query once per class, then answers it with the class and its defaults', async () => {
    for (let poll = 0; poll < 3; poll += 1) {
      const page = await pipe.transform({}, asQuery(Page));
      expect(page).toBeInstanceOf(Page);
      expect(page).toEqual(Object.assign(new Page(), { limit: 20 }));
    }
    expect(validations).toHaveBeenCalledTimes(1);
  });

  it('hands out a new instance every time', async () => {
    const first = (await pipe.transform({}, asQuery(Page))) as Page;
    first.limit = 99;
    expect(await pipe.transform({}, asQuery(Page))).toEqual(Object.assign(new Page(), { limit: 20 }));
  });

  it('still validates every query that has parameters', async () => {
    await pipe.transform({}, asQuery(Page));
    expect(await pipe.transform({ limit: '5' }, asQuery(Page))).toEqual(
      Object.assign(new Page(), { limit: 5 }),
    );
    await expect(pipe.transform({ limit: '500' }, asQuery(Page))).rejects.toBeInstanceOf(BadRequestException);
    await expect(pipe.transform({ other: '1' }, asQuery(Page))).rejects.toBeInstanceOf(BadRequestException);
    expect(validations).toHaveBeenCalledTimes(4);
  });

  it('keeps refusing an empty query a class does not accept', async () => {
    await expect(pipe.transform({}, asQuery(Search))).rejects.toBeInstanceOf(BadRequestException);
    await expect(pipe.transform({}, asQuery(Search))).rejects.toBeInstanceOf(BadRequestException);
    expect(validations).toHaveBeenCalledTimes(2);
  });

  it('validates empty bodies every time', async () => {
    await pipe.transform({}, { type: 'body', metatype: Page, data: undefined });
    await pipe.transform({}, { type: 'body', metatype: Page, data: undefined });
    expect(validations).toHaveBeenCalledTimes(2);
  });
});
