export {
  createEngine,
  DELIVERY,
  type Engine,
  type EngineLogger,
  type EngineParts,
  type Loop,
  type Sweep,
} from './engine.js';
