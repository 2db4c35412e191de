// Select and combobox: a labelled field that opens a list in a popover, with the keyboard and screen
// reader behaviour of React Aria. Options are { id, label } with an optional secondary line.
import { Check, ChevronDown } from 'lucide-react';
import type { ReactNode } from 'react';
import {
  Button as AriaButton,
  ComboBox as AriaComboBox,
  FieldError,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select as AriaSelect,
  SelectValue,
  Text,
  type Key,
} from 'react-aria-components';

export interface Option {
  id: string;
  label: string;
  detail?: string;
}

function Options({ options }: { options: readonly Option[] }) {
  return (
    <Popover className="ui-popover" offset={4}>
      <ListBox className="ui-listbox" items={options}>
        {(option) => (
          <ListBoxItem id={option.id} textValue={option.label} className="ui-option">
            {({ isSelected }) => (
              <>
                <span className="ui-option-text">
                  <span>{option.label}</span>
                  {option.detail && <span className="ui-option-detail">{option.detail}</span>}
                </span>
                {isSelected && <Check size={14} aria-hidden />}
              </>
            )}
          </ListBoxItem>
        )}
      </ListBox>
    </Popover>
  );
}

/** What follows a select's or combobox's control: its description, its error, and the list of options. */
function FieldFoot({ description, options }: { description?: ReactNode; options: readonly Option[] }) {
  return (
    <>
      {description && (
        <Text slot="description" className="ui-description">
          {description}
        </Text>
      )}
      <FieldError className="ui-field-error" />
      <Options options={options} />
    </>
  );
}

export interface SelectProps {
  label: string;
  options: readonly Option[];
  value: string | null;
  onChange: (id: string) => void;
  /** A form field name: the chosen id is submitted in a hidden input. */
  name?: string;
  placeholder?: string;
  description?: ReactNode;
  isDisabled?: boolean;
  isRequired?: boolean;
  /** Hide the label visually (it still names the field), e.g. in a toolbar. */
  hideLabel?: boolean;
  className?: string;
}

export function Select({
  label,
  options,
  value,
  onChange,
  name,
  placeholder = 'Choose…',
  description,
  isDisabled,
  isRequired,
  hideLabel,
  className,
}: SelectProps) {
  return (
    <AriaSelect
      className={['ui-field', className].filter(Boolean).join(' ')}
      selectedKey={value}
      onSelectionChange={(key: Key | null) => key !== null && onChange(String(key))}
      name={name}
      placeholder={placeholder}
      isDisabled={isDisabled}
      isRequired={isRequired}
    >
      <Label className={hideLabel ? 'ui-visually-hidden' : 'ui-label'}>{label}</Label>
      <AriaButton className="ui-control ui-select-button">
        <SelectValue className="ui-select-value" />
        <ChevronDown size={16} aria-hidden />
      </AriaButton>
      <FieldFoot description={description} options={options} />
    </AriaSelect>
  );
}

/** A text field that filters a list as you type (people, services). */
export function ComboBox({
  label,
  options,
  value,
  onChange,
  name,
  placeholder,
  description,
  isDisabled,
  isRequired,
  className,
}: SelectProps) {
  return (
    <AriaComboBox
      className={['ui-field', className].filter(Boolean).join(' ')}
      selectedKey={value}
      onSelectionChange={(key: Key | null) => key !== null && onChange(String(key))}
      defaultItems={options}
      name={name}
      formValue="key"
      isDisabled={isDisabled}
      isRequired={isRequired}
      menuTrigger="focus"
    >
      <Label className="ui-label">{label}</Label>
      <div className="ui-control ui-combobox">
        <Input className="ui-combobox-input" placeholder={placeholder} />
        <AriaButton className="ui-combobox-button" aria-label={`Show every ${label.toLowerCase()}`}>
          <ChevronDown size={16} aria-hidden />
        </AriaButton>
      </div>
      <FieldFoot description={description} options={options} />
    </AriaComboBox>
  );
}
