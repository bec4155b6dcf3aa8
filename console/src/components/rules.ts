import type { FormRule } from 'antd';
import type { Translate } from '../i18n';

/**
 * Form rules with messages in the current language; `field` is the field's label, so the
 * message names it (请输入区域名称 / Region name is required).
 */
export const rules = {
  required: (t: Translate, field: string): FormRule => ({ required: true, whitespace: true, message: t('form.required', { field }) }),
  requiredChoice: (t: Translate, field: string): FormRule => ({ required: true, message: t('form.selectRequired', { field }) }),
  max: (t: Translate, field: string, max: number): FormRule => ({ max, message: t('form.maxLength', { field, max }) }),
  min: (t: Translate, field: string, min: number): FormRule => ({ min, message: t('form.minLength', { field, min }) }),
  code: (t: Translate, field: string, pattern: RegExp): FormRule => ({ pattern, message: t('form.codePattern', { field }) }),
  username: (t: Translate, field: string, pattern: RegExp): FormRule => ({ pattern, message: t('form.usernamePattern', { field }) }),
  /**
   * Creating under an id that exists would overwrite it (the API's PUT creates or updates),
   * so the create forms refuse ids already in the list.
   */
  unused: (t: Translate, field: string, taken: (id: string) => boolean): FormRule => ({
    validator: (_rule, value: unknown) =>
      typeof value === 'string' && taken(value.trim())
        ? Promise.reject(new Error(t('form.taken', { field, value: value.trim() })))
        : Promise.resolve(),
  }),
  /** Leading or trailing spaces are almost always a paste accident in names and codes. */
  trimmed: (t: Translate, field: string): FormRule => ({
    validator: (_rule, value: unknown) =>
      typeof value === 'string' && value !== value.trim()
        ? Promise.reject(new Error(t('form.noWhitespaceEdges', { field })))
        : Promise.resolve(),
  }),
};
