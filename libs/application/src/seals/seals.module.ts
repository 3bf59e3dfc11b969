import { Module } from '@nestjs/common';
import { SealJob } from './seal.job.js';

/** The seal job (ADR 0017): scheduled where the projector runs. */
@Module({ providers: [SealJob], exports: [SealJob] })
export class SealsModule {}
