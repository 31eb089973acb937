// The one place the vendored framework is imported from (Preact + hooks + htm,
// copied from node_modules into /vendor by `make web`).
import { h, render, Fragment, createContext } from '../vendor/preact.mjs';
import {
  useState, useEffect, useRef, useMemo, useCallback, useContext, useLayoutEffect,
} from '../vendor/hooks.mjs';
import htm from '../vendor/htm.mjs';

export const html = htm.bind(h);
export {
  h, render, Fragment, createContext,
  useState, useEffect, useRef, useMemo, useCallback, useContext, useLayoutEffect,
};
