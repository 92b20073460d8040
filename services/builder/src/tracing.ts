// Imported first by main.ts: OpenTelemetry must patch Node's modules before anything else loads them.
import { startTracing } from '@slipway/nest-telemetry';

startTracing('slipway-builder');
